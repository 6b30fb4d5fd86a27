import { describe, expect, it } from 'vitest';
import type { PortfolioDealer } from '../../core/contacts/portfolio.js';
import type { DealerPortfolio } from '../../core/contacts/portfolio.service.js';
import { DEALER_LIST_LINES, dealerListReply, reasonText, wanText } from './portfolio.replies.js';

const dealer = (i: number): PortfolioDealer => ({
  code: `D${String(i).padStart(4, '0')}`,
  name: `温州第${i}号门窗建材贸易有限公司`,
  tier: i < 3 ? 'core' : 'regular',
  tierPending: null,
  province: '浙江省',
  city: '温州市',
  county: '鹿城区',
  partnershipStart: '2020-01-01',
  lastOrderDate: '2026-11-20',
  ytdFen: 1_234_560_000 - i,
  lastYtdFen: 1_000_000_000,
  lastContactAt: null,
  openNeeds: 2,
  overdueNeeds: 1,
  anomalies: [],
});

describe("a manager's dealer list", () => {
  it('shows the first ten and says how to see the rest, within one message', () => {
    const dealers = Array.from({ length: 27 }, (_, i) => dealer(i + 1));
    const p: DealerPortfolio = {
      manager: { code: 'M001', role: 'account' },
      total: 27,
      byTier: { core: 2, key: 0, regular: 25, silent: 0 },
      dealers,
      filter: {},
    };
    const text = dealerListReply(p);
    expect(text.split('\n').filter((l) => l.startsWith('· '))).toHaveLength(DEALER_LIST_LINES);
    expect(text).toContain('【我负责的经销商】共 27 家：核心 2、普通 25');
    expect(text).toContain(
      '· D0001 温州第1号门窗建材贸易有限公司｜核心｜今年进货 ¥1235万（同比+23%）｜末单 11月20日｜需求 2 条（1 条超时）',
    );
    expect(text).toContain('……还有 17 家。可按等级或地区看，如“我的重点经销商”“我在温州市的经销商”');
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(2048);
  });

  it('words money and reasons short', () => {
    expect(wanText(1_234_000)).toBe('¥1.2万');
    expect(wanText(999_999)).toBe('¥10,000');
    expect(wanText(1_234_560_000)).toBe('¥1235万');
    expect(reasonText({ kind: 'contact_due', dueOn: '2026-11-26' }, '2026-11-26')).toBe('今天该回访');
    expect(reasonText({ kind: 'contact_due', dueOn: '2026-11-28' }, '2026-11-26')).toBe('11月28日前该回访');
    expect(reasonText({ kind: 'purchases_down', fraction: -0.36 }, '2026-11-26')).toBe('今年进货同比-36%');
    expect(reasonText({ kind: 'going_silent', days: 75 }, '2026-11-26')).toBe('已75天没进货');
  });
});
