import { describe, expect, it } from 'vitest';
import { unanswered } from '../testing/needs.fakes.js';
import { needList, type OpenNeedRow } from './need-list.js';
import type { Need } from './needs.types.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const H = 3_600_000;
const at = (h: number) => new Date(NOW.getTime() + h * H);

function row(id: number, o: Partial<Need>): OpenNeedRow {
  return {
    dealerName: `经销商${id}`,
    need: {
      id,
      dealerCode: 'D0001',
      category: 'training',
      text: '想申请导购培训',
      ownerCode: 'M001',
      tier: 'key',
      firstResponseDue: at(10),
      resolutionDue: at(30),
      ...unanswered(),
      createdAt: at(-2),
      ...o,
    },
  };
}

const ROWS = [
  row(1, {}), // new today, first response due in 10 h
  row(2, { createdAt: at(-30), firstResponseDue: at(-6) }), // first response 6 h overdue
  row(3, { status: 'claimed', firstResponseAt: at(-20), createdAt: at(-40), resolutionDue: at(-1) }), // resolution 1 h overdue
  row(4, { status: 'claimed', firstResponseAt: at(-1), createdAt: at(-9), resolutionDue: at(4) }), // today 01:00, 4 h left
];

describe('the manager need list', () => {
  it('runs the first-response clock until claimed, then the resolution clock; overdue first', () => {
    const l = needList(ROWS, 'all', NOW, 10);
    expect(l.items.map((i) => [i.need.id, i.clock, i.msLeft / H, i.overdue])).toEqual([
      [2, 'first', -6, true],
      [3, 'resolution', -1, true],
      [4, 'resolution', 4, false],
      [1, 'first', 10, false],
    ]);
    expect(l.counts).toEqual({ all: 4, today: 2, overdue: 2 });
  });

  it('filters today (Shanghai date of submission) and overdue, and keeps the count before the limit', () => {
    expect(needList(ROWS, 'today', NOW, 10).items.map((i) => i.need.id)).toEqual([4, 1]);
    expect(needList(ROWS, 'overdue', NOW, 10).items.map((i) => i.need.id)).toEqual([2, 3]);
    const limited = needList(ROWS, 'all', NOW, 1);
    expect(limited.items).toHaveLength(1);
    expect(limited.matched).toBe(4);
    expect(needList([], 'all', NOW, 10)).toEqual({
      filter: 'all',
      counts: { all: 0, today: 0, overdue: 0 },
      items: [],
      matched: 0,
    });
  });
});
