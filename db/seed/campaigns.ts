import { addDays, shanghaiInstant } from '../../core/common/time.js';
import type { Tier } from '../schema.js';
import { TableRows } from './insert.js';
import type { Prng } from './prng.js';

/** A demo dealer as campaigns and the contact cadence need it. */
export interface CampaignSeedDealer {
  code: string;
  tier: Tier;
  tags: readonly string[];
  province: string;
  managerCode: string;
}

const NOTES = ['聊了陈列', '聊了回款安排', '聊了新品到店', '聊了旺季备货', '上门看了样板间', '电话沟通了促销方案'];

/**
 * K's joint campaigns around `today` — one ended (approved dealers, its results for the results job to record), one
 * running (applications waiting and approved), one ahead — and the managers' contact log of the last weeks (some
 * dealers overdue by their tier's cadence, a few never contacted).
 */
export function campaignSeed(input: {
  dealers: readonly CampaignSeedDealer[];
  today: string;
  scale: number;
  rng: Prng;
}): TableRows[] {
  const { dealers, today, rng } = input;
  const campaigns = new TableRows('campaigns', [
    ['code', 'text'],
    ['name', 'text'],
    ['description', 'text'],
    ['provinces', 'text[]'],
    ['tags', 'text[]'],
    ['tiers', 'text[]'],
    ['starts_on', 'date'],
    ['ends_on', 'date'],
    ['subsidy_fen', 'int8'],
    ['seats', 'int4'],
    ['created_at', 'timestamptz'],
  ]);
  const entries = new TableRows('campaign_entries', [
    ['campaign_code', 'text'],
    ['dealer_code', 'text'],
    ['status', 'text'],
    ['applied_at', 'timestamptz'],
    ['approved_at', 'timestamptz'],
    ['approved_by', 'text'],
  ]);
  const counts = new Map<string, number>();
  for (const d of dealers) counts.set(d.province, (counts.get(d.province) ?? 0) + 1);
  const topProvince = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  const seats = (n: number) => Math.max(4, Math.round(n * input.scale));
  const plans = [
    {
      code: 'C001',
      name: `${topProvince.replace(/省|市$/, '')}区域促销`,
      description: '区域联合促销：门店满额立减，厂家按参与门店补贴物料和广告费。',
      provinces: [topProvince],
      tags: [] as string[],
      tiers: [] as Tier[],
      startsOn: addDays(today, -40),
      endsOn: addDays(today, -10),
      subsidyFen: 300_000,
      seats: seats(60),
      approve: 1,
    },
    {
      code: 'C002',
      name: '新品体验节',
      description: '新品体验官：新品样窗优先试销，门店办体验活动，厂家补贴样品和活动费用。',
      provinces: [],
      tags: [],
      tiers: ['core', 'key'] as Tier[],
      startsOn: addDays(today, -5),
      endsOn: addDays(today, 25),
      subsidyFen: 500_000,
      seats: seats(80),
      approve: 0.6,
    },
    {
      code: 'C003',
      name: '橱柜焕新季',
      description: '橱柜以旧换新联合推广：门店换新补贴，厂家提供设计师驻店。',
      provinces: [],
      tags: ['橱柜专长'],
      tiers: [],
      startsOn: addDays(today, 10),
      endsOn: addDays(today, 40),
      subsidyFen: 200_000,
      seats: seats(40),
      approve: 0,
    },
  ];
  for (const c of plans) {
    campaigns.add(
      c.code,
      c.name,
      c.description,
      c.provinces,
      c.tags,
      c.tiers,
      c.startsOn,
      c.endsOn,
      c.subsidyFen,
      c.seats,
      // Fixed, not now(): the same seed gives the same rows.
      shanghaiInstant(addDays(c.startsOn, -20), '10:00'),
    );
    if (c.approve === 0) continue;
    const targeted = dealers.filter(
      (d) =>
        (!c.provinces.length || c.provinces.includes(d.province)) &&
        (!c.tiers.length || c.tiers.includes(d.tier)) &&
        (!c.tags.length || c.tags.some((t) => d.tags.includes(t))),
    );
    // Half the seats taken: the demo still has room for a chat sign-up.
    const joined = rng.shuffle([...targeted]).slice(0, Math.floor(c.seats / 2));
    for (const d of joined) {
      const applied = shanghaiInstant(
        addDays(c.startsOn, -rng.int(2, 10)),
        `${String(rng.int(9, 17)).padStart(2, '0')}:15`,
      );
      const approved = rng.chance(c.approve);
      entries.add(
        c.code,
        d.code,
        approved ? 'approved' : 'applied',
        applied,
        approved ? new Date(applied.getTime() + rng.int(1, 20) * 3_600_000) : null,
        approved ? d.managerCode : null,
      );
    }
  }

  const contacts = new TableRows('manager_contacts', [
    ['manager_code', 'text'],
    ['dealer_code', 'text'],
    ['note', 'text'],
    ['contacted_at', 'timestamptz'],
    ['created_at', 'timestamptz'],
  ]);
  for (const d of dealers) {
    if (rng.chance(0.06)) continue; // never contacted yet
    let ago = rng.int(0, 20);
    for (let k = 0; k < 3 && ago < 45; k++) {
      const at = shanghaiInstant(addDays(today, -ago), `${String(rng.int(9, 17)).padStart(2, '0')}:40`);
      contacts.add(d.managerCode, d.code, rng.pick(NOTES), at, at);
      ago += rng.int(5, 16);
    }
  }
  return [campaigns, entries, contacts];
}
