import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anniversaryBonusFen, anniversaryStatus } from '../../core/policies/anniversary.js';
import {
  explainAnniversary,
  explainGrowth,
  explainLadder,
  explainPromotion,
  formatPercent,
  formatYuan,
} from './policy.explain.js';
import { growthStatus } from '../../core/policies/growth.js';
import { ladderPosition } from '../../core/policies/ladder.js';
import { allNumbersGrounded, ungroundedNumbers } from '../../core/policies/number.guard.js';
import { type Policy, parsePolicies } from '../../core/policies/policy.types.js';
import { promotionForOrder } from '../../core/policies/promotion.js';

const policies = parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
function byCode<K extends Policy['kind']>(code: string, kind: K): Extract<Policy, { kind: K }> {
  const p = policies.find((x) => x.code === code);
  if (p?.kind !== kind) throw new Error(`no ${kind} ${code}`);
  return p as Extract<Policy, { kind: K }>;
}
const retro = byCode('LADDER-2026Q4', 'ladder_rebate');
const marginal = byCode('LADDER-ENG-2026Q4', 'ladder_rebate');

describe('formatYuan / formatPercent', () => {
  it('formats fen as yuan with separators, showing fen only when present', () => {
    expect(formatYuan(125_000_000)).toBe('¥1,250,000');
    expect(formatYuan(125_000_050)).toBe('¥1,250,000.50');
    expect(formatYuan(7)).toBe('¥0.07');
    expect(formatYuan(0)).toBe('¥0');
    expect(formatYuan(-1_500)).toBe('-¥15');
    expect(formatPercent(0.03)).toBe('3%');
    expect(formatPercent(0.015)).toBe('1.5%');
  });
});

describe('explainLadder', () => {
  it('uses the dealer own numbers, the band table and what counts', () => {
    const e = explainLadder(retro, ladderPosition(retro, 125_000_000), 125_000_000);
    expect(e.text).toContain(
      '您本季度累计 ¥1,250,000，处于 3% 档，已累计返利 ¥37,500；再订 ¥750,000 可到 4% 档，届时返利 ¥80,000。',
    );
    expect(e.text).toContain('¥500,000 起 2%');
    expect(e.text).toContain('¥5,000,000 起 5%');
    expect(e.text).toContain('不计入：五金辅料、已取消的订单');
    expect(e.text).toContain('2026-10-01 至 2026-12-31');
    expect(e.facts).toEqual(expect.arrayContaining(['1,250,000', '1250000', '3%', '0.03', '37,500', '2026-10-01']));
    expect(ungroundedNumbers(e.text, e.facts)).toEqual([]);
  });

  it('at the top band and in marginal mode', () => {
    const top = explainLadder(retro, ladderPosition(retro, 600_000_000), 600_000_000);
    expect(top.text).toContain('已累计返利 ¥300,000，已是最高档');
    const m = explainLadder(marginal, ladderPosition(marginal, 125_000_000), 125_000_000);
    expect(m.text).toContain('已累计返利 ¥17,500；再订 ¥750,000 可到 4% 档，届时返利 ¥40,000');
    expect(m.text).toContain('超额累进');
    expect(allNumbersGrounded(m.text, m.facts)).toBe(true);
  });
});

describe('other explanations are grounded in their facts', () => {
  it('growth', () => {
    const g = byCode('GROWTH-2026', 'growth_reward');
    const below = explainGrowth(g, growthStatus(g, 120_000_000, 100_000_000));
    expect(below.text).toContain('增长 20%；再进货 ¥300,000.01');
    expect(ungroundedNumbers(below.text, below.facts)).toEqual([]);
    const ok = explainGrowth(g, growthStatus(g, 160_000_000, 100_000_000));
    expect(ok.text).toContain('已达标，当前可得奖励 ¥24,000');
    expect(ungroundedNumbers(ok.text, ok.facts)).toEqual([]);
    const none = explainGrowth(g, growthStatus(g, 10_000_000, 0));
    expect(none.text).toContain('去年同期没有进货记录');
  });

  it('anniversary', () => {
    const a = byCode('ANNIV-3Y', 'anniversary_bonus');
    const s = anniversaryStatus(a, '2023-11-15', '2026-11-26');
    const e = explainAnniversary(a, s, '2023-11-15', 5_000_000, anniversaryBonusFen(a, 5_000_000));
    expect(e.text).toContain('2026-11-15 是合作 3 周年');
    expect(e.text).toContain('额外返利 ¥1,500');
    expect(ungroundedNumbers(e.text, e.facts)).toEqual([]);
    const later = explainAnniversary(a, anniversaryStatus(a, '2024-01-31', '2026-11-26'), '2024-01-31');
    expect(later.text).toContain('还有 2 个月');
    expect(allNumbersGrounded(later.text, later.facts)).toBe(true);
  });

  it('promotion', () => {
    const p = byCode('TOWN-VALUE-2026Q4', 'promotion');
    const r = promotionForOrder(p, [{ sku: 'KW-S30', tags: ['高性价比'], amountFen: 1_500_000 }], '2026-11-26');
    const e = explainPromotion(p, r);
    expect(e.text).toContain('满 ¥20,000');
    expect(e.text).toContain('再加 ¥5,000 即可享受优惠');
    expect(ungroundedNumbers(e.text, e.facts)).toEqual([]);
  });
});
