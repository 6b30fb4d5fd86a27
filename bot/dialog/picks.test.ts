import { describe, expect, it } from 'vitest';
import { ordinalOf, pickedTurn, withoutPick, withPick } from './picks.js';
import type { ConversationState } from './state.js';

const pick = { intent: 'am.dealer.lookup' as const, options: [{ dealer_code: 'D0105' }, { dealer_code: 'D0106' }] };

describe('numbered lists answered by position', () => {
  it('reads a whole message that is a position', () => {
    expect(ordinalOf('第二个')).toEqual({ index: 1, explicit: true });
    expect(ordinalOf('第2家')).toEqual({ index: 1, explicit: true });
    expect(ordinalOf('要第一个吧')).toEqual({ index: 0, explicit: true });
    expect(ordinalOf('2')).toEqual({ index: 1, explicit: false });
    expect(ordinalOf('最后一个')).toEqual({ index: -1, explicit: true });
    expect(ordinalOf('第二个需求怎么样了')).toBeNull();
    expect(ordinalOf('N60 2套')).toBeNull();
  });

  it("picks the option's slots for the list's intent", () => {
    const state: ConversationState = { pick };
    expect(pickedTurn(state, '第二个')).toMatchObject({ intent: 'am.dealer.lookup', slots: { dealer_code: 'D0106' } });
    expect(pickedTurn(state, '最后一个')?.slots).toEqual({ dealer_code: 'D0106' });
    expect(pickedTurn(state, '第三个')).toBeNull();
    expect(pickedTurn({}, '第二个')).toBeNull();
  });

  it('while a rating or draft waits only an explicit 第N个 picks; a clarifying question keeps its own candidates', () => {
    expect(pickedTurn({ pick, awaiting: 'need_rating', needId: 7 }, '2')).toBeNull();
    expect(pickedTurn({ pick, awaiting: 'need_rating', needId: 7 }, '第2个')?.slots).toEqual({ dealer_code: 'D0106' });
    expect(pickedTurn({ pick, awaiting: 'clarify_product' }, '第二个')).toBeNull();
  });

  it('"年终那个" picks the one listed course whose name has the words; several or none pick nothing', () => {
    const courses = {
      intent: 'training.withdraw' as const,
      options: [{ course: '社群营销：门店私域与社群团购' }, { course: '年终冲量实战营' }, { course: '年终盘点方法' }],
    };
    expect(pickedTurn({ pick: courses }, '年终冲量那个')).toMatchObject({
      intent: 'training.withdraw',
      slots: { course: '年终冲量实战营' },
    });
    expect(pickedTurn({ pick: courses }, '社群营销的')?.slots).toEqual({ course: '社群营销：门店私域与社群团购' });
    expect(pickedTurn({ pick: courses }, '年终那个')).toBeNull();
    expect(pickedTurn({ pick: courses }, '安装那个')).toBeNull();
    expect(pickedTurn({ pick }, '王记那个')).toBeNull();
  });

  it('never stores the rating the engine derives', () => {
    expect(withPick({ awaiting: 'need_rating', needId: 7, draftId: 'x' }, pick)).toEqual({ draftId: 'x', pick });
    expect(withoutPick({ pick, awaiting: 'order_confirm', draftId: 'x' })).toEqual({
      awaiting: 'order_confirm',
      draftId: 'x',
    });
    expect(withoutPick({ pick })).toEqual({});
  });
});

describe('a list of draft lines answered by size', () => {
  const line = (width_mm: number, height_mm: number) => ({
    change: { kind: 'set' as const, qty: 10, line_size: { width_mm, height_mm } },
  });
  const lines = { intent: 'order.modify' as const, options: [line(1200, 1500), line(1500, 1800)] };
  const state: ConversationState = { pick: lines, awaiting: 'order_confirm', draftId: 'x' };

  it('"1500*1800的" picks the line of that size; a size no line has, or more than a size, picks nothing', () => {
    expect(pickedTurn(state, '1500*1800的')?.slots).toEqual(line(1500, 1800));
    expect(pickedTurn(state, '要1.2米x1.5米那个')?.slots).toEqual(line(1200, 1500));
    expect(pickedTurn(state, '2000*2000的')).toBeNull();
    expect(pickedTurn(state, '1500*1800的改成三玻')).toBeNull();
    // A list of dealers has no sizes.
    expect(pickedTurn({ pick }, '1500*1800的')).toBeNull();
  });
});
