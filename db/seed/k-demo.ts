import { shanghaiInstant } from '../../core/common/time.js';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import type { Product } from '../../core/catalog/catalog.types.js';
import { voucherFor } from '../../core/care/offers.js';
import { storeCode } from '../../core/imports/codes.js';
import {
  growthStatus,
  parsePolicies,
  policyReaches,
  previousYearPeriod,
  qualifyingAmount,
} from '../../core/policies/index.js';
import { seedStatements } from './statements.seed.js';
import type { Database, Tier } from '../schema.js';
import { COURSES, type DealerTag, HONOUR_TITLES, SUCCESS_CASES } from './content.js';
import {
  AREAS,
  type CityDef,
  PROVINCES,
  type ProvinceDef,
  REGIONS,
  type RegionDef,
  shortPlaceName,
} from './geography.js';
import { seedGrowth } from './growth.seed.js';
import { campaignSeed } from './campaigns.js';
import { insertRows, TableRows } from './insert.js';
import { BRAND_WORDS, personName, TRADE_SUFFIXES, uniquePhone } from './names.js';
import { Prng } from './prng.js';

/**
 * The K demo: a deterministic, realistic dealer network (managers, dealers, contacts, stores, 24 months of orders,
 * receivables, 90 days of sell-through, inventory, policies and content), everything relative to `now`.
 * Two years of orders give year-over-year comparisons a base: most dealers move −20%…+30% a year, the growth
 * dealers (高成长) at least +50%; the last 12 months total K's ¥4 billion a year at scale 1.
 * The same seed, scale and `now` always produce the same rows.
 */

export interface SeedOptions {
  /** Multiplies dealers, stores and managers (1 = K: 600 dealers, 12,000 stores). Fractions seed a subset. */
  scale?: number;
  /** The demo's "now" (default: the current time). Orders end here; birthdays and anniversaries are around it. */
  now?: Date;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Codes other features and demos can rely on (all computed from the generated data). */
export interface DemoFacts {
  coreDealers: string[];
  windowSpecialists: string[];
  cabinetSpecialists: string[];
  engineeringDealers: string[];
  townshipDealers: string[];
  /** 高成长: the last 12 months at least 1.5× the 12 months before (active dealers with orders in both). */
  growthDealers: string[];
  /**
   * Dealers qualifying for a growth reward policy (GROWTH-2026) at `now`, as the policy engine compares: the period's
   * amount so far against the whole same period a year earlier. Targeted dealers only.
   */
  growthRewardQualifiers: { policyCode: string; dealerCode: string; growth: number }[];
  silentDealers: string[];
  /** Contacts whose birthday is today (Asia/Shanghai), by dealer. */
  birthdaysToday: { dealerCode: string; contact: string }[];
  /** Contacts whose birthday falls in now's Monday–Sunday week. */
  birthdaysThisWeek: { dealerCode: string; contact: string; birthday: string }[];
  /** Dealers whose 3rd partnership anniversary falls in now's calendar month. */
  thirdAnniversaryThisMonth: { dealerCode: string; partnershipStart: string }[];
  /** Dealers with a receivable more than 30 days past due. */
  overdueDealers: string[];
  /** Dealers whose sell-through in the last 28 days fell ≥ 30% against the 28 days before. */
  sellThroughDrop: string[];
  /** (dealer, sku) with more than 90 days of cover (on the last 28 days' average sell-through). */
  overstock: { dealerCode: string; sku: string; daysOfCover: number }[];
  /** (dealer, sku) with less than lead time + 7 days of cover. */
  lowCover: { dealerCode: string; sku: string; daysOfCover: number }[];
  /** Products with little HQ stock (on hand minus reserved below a normal order). */
  lowHqStock: string[];
}

export interface SeedSummary {
  scale: number;
  seed: number;
  now: string;
  counts: Record<string, number>;
  totalRows: number;
  /** Sum of non-cancelled orders over the last 12 months, in fen (≈ ¥4 billion at scale 1). */
  orderAmountFen: number;
  /** Sum of non-cancelled orders over all 24 months, in fen. */
  orderAmount24mFen: number;
  ms: number;
  facts: DemoFacts;
}

export const DEFAULT_SEED = 20261126;
export const MAX_SCALE = 16;

type Profile = 'window' | 'cabinet' | 'engineering' | 'township' | 'general';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SH_OFFSET = 8 * HOUR;
/** Two years of orders: the last 365 days and the 365 before them (year-over-year comparisons). */
const ORDER_DAYS = 730;
const YEAR_DAYS = 365;
const SELL_THROUGH_DAYS = 90;
/** K's yearly revenue at scale 1, in fen. */
const YEARLY_REVENUE_FEN = 400_000_000_000;

// ---------------------------------------------------------------------------------------------------------------
// Dates (business time is Asia/Shanghai, UTC+8 all year)

const shDay = (ms: number): string => new Date(ms + SH_OFFSET).toISOString().slice(0, 10);
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`) - SH_OFFSET;
const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY);
const ymd = (y: number, m: number, d: number): string =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const weekday = (day: string): number => new Date(`${day}T00:00:00.000Z`).getUTCDay();
const monthOf = (day: string): number => Number(day.slice(5, 7));
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Chinese New Year's day; orders dip from 10 days before to 12 days after. */
const CNY: Record<number, string> = {
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
};
// Spring (Mar–May) and autumn (Sep–Nov) peaks; the summer rainy season and winter are slower.
const MONTH_FACTOR = [0, 0.9, 0.85, 1.15, 1.25, 1.2, 0.95, 0.8, 0.85, 1.15, 1.3, 1.25, 1.0];

function orderDayWeight(day: string): number {
  const y = Number(day.slice(0, 4));
  const cny = CNY[y] ?? `${y}-02-05`;
  const fromCny = daysBetween(cny, day);
  const festival = fromCny >= -10 && fromCny <= 12 ? 0.2 : 1;
  const dow = weekday(day);
  const week = dow === 0 ? 0.55 : dow === 6 ? 0.8 : 1.08;
  return MONTH_FACTOR[monthOf(day)]! * festival * week;
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog and mixes

function loadCatalog(): Product[] {
  return parseCatalogCsv(readFileSync(new URL('./data/catalog.csv', import.meta.url), 'utf8'));
}

interface PolicyJson {
  code: string;
  name: string;
  kind: string;
}

const readPoliciesFile = (): string => readFileSync(new URL('./data/policies.json', import.meta.url), 'utf8');

/** The policies as given in the file (stored verbatim as each policy's spec). */
function loadPolicies(): PolicyJson[] {
  return (JSON.parse(readPoliciesFile()) as { policies: PolicyJson[] }).policies;
}

/** Share of a dealer's purchase amount by SKU, per profile (relative weights). */
// biome-ignore format: a compact data table
const MIX: Record<Profile, Record<string, number>> = {
  window: {
    'KW-N60': 14, 'KW-N75': 11, 'KW-A50': 5, 'KW-A70': 5, 'KW-T80': 10, 'KW-T95': 7, 'KW-S30': 2, 'KW-F12': 6,
    'KD-Y20': 6, 'KD-Z10': 4, 'KD-P88': 5, 'KD-G66': 3, 'KD-J01': 5, 'KD-B45': 3, 'KC-L01': 2, 'KC-Q05': 1,
    'KA-H01': 1.5, 'KA-H02': 1.5, 'KA-M01': 2,
  },
  cabinet: {
    'KC-L01': 16, 'KC-U02': 12, 'KC-I03': 8, 'KC-Q05': 8, 'KC-W08': 8, 'KC-S06': 3, 'KW-N60': 3, 'KW-A70': 2,
    'KD-P88': 4, 'KD-G66': 3, 'KD-B45': 2, 'KA-H02': 2, 'KA-H01': 1,
  },
  engineering: {
    'KC-S06': 30, 'KC-L01': 6, 'KW-T80': 8, 'KW-A70': 6, 'KW-N60': 5, 'KD-P88': 8, 'KD-B45': 6, 'KD-J01': 6,
    'KC-Q05': 4, 'KA-H01': 2, 'KA-H02': 2, 'KA-M01': 2,
  },
  township: {
    'KW-A50': 12, 'KW-A70': 12, 'KW-S30': 12, 'KC-I03': 18, 'KD-B45': 5, 'KD-P88': 4, 'KW-F12': 4, 'KD-J01': 3,
    'KC-Q05': 2, 'KA-H01': 1.5, 'KA-H02': 1.5, 'KA-M01': 2,
  },
  general: {
    'KW-N60': 6, 'KW-N75': 4, 'KW-A70': 5, 'KW-T80': 5, 'KW-F12': 3, 'KD-Y20': 4, 'KD-P88': 5, 'KD-J01': 5,
    'KD-B45': 3, 'KC-L01': 7, 'KC-U02': 4, 'KC-I03': 4, 'KC-Q05': 3, 'KC-W08': 3, 'KA-H01': 1, 'KA-H02': 1,
    'KA-M01': 1.5,
  },
};

/**
 * The demo's regional signal, so the regional trend and the need prediction have something real to find: county-level
 * (县城) dealers put a growing share of their orders into aluminium windows (A50, A70), about +6% a month relative to
 * their other lines (roughly ×2 a year). It reweights lines only: the order amounts, the random draws and every
 * other dealer's rows are unchanged.
 */
export const DEMO_SIGNAL = { marketLevel: '县城', skus: ['KW-A50', 'KW-A70'], monthlyGrowth: 1.06 } as const;
const MONTH_DAYS = 30.4;

const PROFILE_BY_TIER: Record<Tier, Record<Profile, number>> = {
  core: { window: 0.35, cabinet: 0.25, engineering: 0.25, township: 0.05, general: 0.1 },
  key: { window: 0.35, cabinet: 0.22, engineering: 0.13, township: 0.15, general: 0.15 },
  regular: { window: 0.32, cabinet: 0.2, engineering: 0.05, township: 0.28, general: 0.15 },
  silent: { window: 0.3, cabinet: 0.18, engineering: 0.04, township: 0.33, general: 0.15 },
};

const STORE_TYPES: Record<Profile, Record<'retail' | 'engineering' | 'home_improvement', number>> = {
  window: { retail: 0.85, home_improvement: 0.1, engineering: 0.05 },
  cabinet: { retail: 0.65, home_improvement: 0.3, engineering: 0.05 },
  engineering: { retail: 0.35, home_improvement: 0.2, engineering: 0.45 },
  township: { retail: 0.95, home_improvement: 0.05, engineering: 0 },
  general: { retail: 0.7, home_improvement: 0.2, engineering: 0.1 },
};

const BIZ_WORDS: Record<Profile, string[]> = {
  window: ['门窗', '门窗', '系统门窗', '铝门窗', '门业'],
  cabinet: ['橱柜', '整体橱柜', '厨柜', '厨房设备'],
  engineering: ['建材', '建筑材料', '装饰工程', '工程材料'],
  township: ['门窗', '建材', '家居', '门窗建材'],
  general: ['家居', '门窗', '建材', '装饰材料', '家居建材'],
};

/** Base yearly purchase (fen) and orders per year by tier, before normalisation to K's revenue. */
const TIER_VOLUME: Record<Tier, { amount: number; orders: number; stores: number }> = {
  core: { amount: 3_000_000_000, orders: 90, stores: 60 },
  key: { amount: 1_000_000_000, orders: 55, stores: 30 },
  regular: { amount: 350_000_000, orders: 32, stores: 14 },
  silent: { amount: 160_000_000, orders: 22, stores: 8 },
};

const CREDIT_RANGE: Record<Tier, [number, number]> = {
  core: [300, 500],
  key: [150, 300],
  regular: [60, 150],
  silent: [30, 80],
};

/** SKUs K keeps short on at HQ in the demo (stock checks and "到货时间" answers). */
const LOW_HQ_STOCK_SKUS = ['KW-T95', 'KD-G66', 'KC-U02'];

// ---------------------------------------------------------------------------------------------------------------
// Plans

interface LinePlan {
  sku: string;
  share: number;
}

interface OrderPlan {
  dealer: DealerPlan;
  dayIdx: number;
  placedAt: number;
  amount: number;
  lines: LinePlan[];
  orderNo: string;
  status: 'placed' | 'shipped' | 'delivered' | 'cancelled';
  shippedAt: number | null;
  cancelledAt: number | null;
  paidAt: number | null;
  deliveryDate: string | null;
  qty: number[];
  unitPrice: number[];
  total: number;
}

interface DealerPlan {
  code: string;
  name: string;
  brand: string;
  biz: string;
  province: ProvinceDef;
  city: CityDef;
  region: RegionDef;
  tier: Tier;
  profile: Profile;
  growth: boolean;
  partnershipStart: string;
  /** Year-over-year purchase multiplier (a smooth exponential trend over the two years). */
  yoy: number;
  /** Order window, as indexes into the 730 order days (inclusive); never before partnershipStart. */
  fromIdx: number;
  toIdx: number;
  annual: number;
  effective: number;
  /** The dealer's order-day weights (season × trend) inside its window, this year and the year before. */
  weightThisYear: number;
  weightYearBefore: number;
  orderCount: number;
  storeCount: number;
  townshipWeight: number;
  townshipStores: number;
  managerCode: string;
  creditLimit: number;
  terms: number;
  orders: OrderPlan[];
  tags: DealerTag[];
  stores: { type: 'retail' | 'engineering' | 'home_improvement'; region: RegionDef }[];
}

function largestRemainder(weights: number[], total: number, min = 0): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return weights.map(() => 0);
  const quotas = weights.map((w) => (sum > 0 ? (w / sum) * total : 0));
  const counts = quotas.map((q, i) => (weights[i]! > 0 ? Math.max(min, Math.floor(q)) : 0));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length) {
    const i = order[k]!.i;
    if (weights[i]! > 0) {
      counts[i]!++;
      left--;
    }
  }
  return counts;
}

const regionKey = (r: { province: string; city: string; county: string }) => `${r.province}|${r.city}|${r.county}`;
const placeLabel = (r: RegionDef) => (r.kind === 'township' ? r.county.slice(r.parent.length) : r.county);

// ---------------------------------------------------------------------------------------------------------------

export interface DemoData {
  tables: TableRows[];
  facts: DemoFacts;
  /** Non-cancelled orders of the last 12 months, fen. */
  orderAmountFen: number;
  /** Non-cancelled orders of all 24 months, fen. */
  orderAmount24mFen: number;
}

/** Generates the whole demo in memory (pure: no database). */
export function generateDemoData(options: { scale?: number; now?: Date; seed?: number } = {}): DemoData {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= MAX_SCALE)) throw new Error(`scale must be in (0, ${MAX_SCALE}]`);
  const nowMs = (options.now ?? new Date()).getTime();
  if (!Number.isFinite(nowMs)) throw new Error('invalid now');
  const seed = options.seed ?? DEFAULT_SEED;
  const root = new Prng(seed);
  const today = shDay(nowMs);
  const [thisYear, thisMonth, thisDom] = today.split('-').map(Number) as [number, number, number];

  const nDealers = Math.max(10, Math.round(600 * scale));
  if (nDealers > 9999) throw new Error('too many dealers for D + 4 digits');
  const nStores = Math.max(nDealers * 2, Math.round(12_000 * scale));
  const nAccount = Math.max(AREAS.length, Math.round(40 * scale));
  const regionalsPerArea = Math.max(1, Math.round(scale));

  const catalog = loadCatalog();
  const productBySku = new Map(catalog.map((p) => [p.sku, p]));
  const leadTime = (p: Product) => (p.category === 'cabinets' ? 21 : p.leadTimeDays);
  const tierPrice = (listFen: number, tier: Tier): number => {
    const pct = tier === 'core' ? 95 : tier === 'key' ? 97 : 100;
    return Math.floor((listFen * pct + 50) / 100);
  };

  const days: string[] = [];
  for (let i = ORDER_DAYS - 1; i >= 0; i--) days.push(addDays(today, -i));
  const todayIdx = ORDER_DAYS - 1;
  /** The first of the last 12 months' days: orders with dayIdx ≥ yearIdx are "this year", the rest a year earlier. */
  const yearIdx = ORDER_DAYS - YEAR_DAYS;
  const dayWeights = days.map(orderDayWeight);

  // --- dealers: province, tier, profile, region ----------------------------------------------------------------
  const rngDealers = root.fork('dealers');
  const provinceCounts = largestRemainder(
    PROVINCES.map((p) => p.weight),
    nDealers,
  );
  const tierCounts: [Tier, number][] = [
    ['core', Math.round(nDealers * 0.1)],
    ['key', Math.round(nDealers * 0.2)],
    ['silent', Math.round(nDealers * 0.3)],
  ];
  tierCounts.push(['regular', nDealers - tierCounts.reduce((s, [, n]) => s + n, 0)]);
  const tiers = rngDealers.shuffle(tierCounts.flatMap(([t, n]) => Array<Tier>(n).fill(t)));

  const usedNames = new Set<string>();
  const dealers: DealerPlan[] = [];
  let dealerIdx = 0;
  PROVINCES.forEach((province, pi) => {
    for (let k = 0; k < provinceCounts[pi]!; k++) {
      const tier = tiers[dealerIdx]!;
      const mix = PROFILE_BY_TIER[tier];
      const profile = rngDealers.weighted(Object.keys(mix) as Profile[], (p) => mix[p]);
      const cityWeight: Record<CityDef['level'], number> =
        profile === 'township'
          ? { 一线: 0.2, 二线: 1, 三四线: 3 }
          : profile === 'engineering'
            ? { 一线: 4, 二线: 3, 三四线: 0.7 }
            : { 一线: 3, 二线: 3, 三四线: 2 };
      const city = rngDealers.weighted(province.cities, (c) => cityWeight[c.level]);
      const districts = city.regions.filter((r) => r.kind === 'district');
      const counties = city.regions.filter((r) => r.kind === 'county');
      const pCounty = profile === 'township' ? 0.9 : profile === 'engineering' ? 0.05 : 0.35;
      const group =
        counties.length > 0 && (districts.length === 0 || rngDealers.chance(pCounty)) ? counties : districts;
      const region = rngDealers.pick(group);
      const place = shortPlaceName(region.kind === 'county' ? region.county : city.name);
      let brand = '';
      let biz = '';
      let name = '';
      do {
        brand = rngDealers.pick(BRAND_WORDS);
        biz = rngDealers.pick(BIZ_WORDS[profile]);
        name = `${place}${brand}${biz}${rngDealers.pick(TRADE_SUFFIXES)}`;
      } while (usedNames.has(name));
      usedNames.add(name);
      dealerIdx++;
      dealers.push({
        code: `D${String(dealerIdx).padStart(4, '0')}`,
        name,
        brand,
        biz,
        province,
        city,
        region,
        tier,
        profile,
        growth: false,
        partnershipStart: '',
        yoy: 1,
        fromIdx: 0,
        toIdx: todayIdx,
        annual: 0,
        effective: 0,
        weightThisYear: 0,
        weightYearBefore: 0,
        orderCount: 0,
        storeCount: 0,
        townshipWeight: 0,
        townshipStores: 0,
        managerCode: '',
        creditLimit: 0,
        terms: 30,
        orders: [],
        tags: [],
        stores: [],
      });
    }
  });
  const active = dealers.filter((d) => d.tier !== 'silent');

  // Growth dealers: ~12% of the active ones, mostly key and regular; at least one core/key dealer at any scale
  // (GROWTH-2026 targets core and key dealers only).
  for (const d of active) {
    if (rngDealers.chance(d.tier === 'core' ? 0.05 : d.tier === 'key' ? 0.16 : 0.14)) d.growth = true;
  }
  const rngTrend = root.fork('trend');
  const coreKey = active.filter((d) => d.tier === 'core' || d.tier === 'key');
  if (coreKey.length > 0 && !coreKey.some((d) => d.growth)) rngTrend.pick(coreKey).growth = true;
  // Year-over-year trend: growth dealers ×1.8–2.8; the others −14%…+22% (calendar periods vary a little around it);
  // dealers about to fall silent were already slowing down.
  for (const d of dealers) {
    d.yoy = d.growth
      ? rngTrend.float(1.8, 2.8)
      : d.tier === 'silent'
        ? rngTrend.float(0.75, 1.05)
        : rngTrend.float(0.86, 1.22);
  }

  // --- partnership start, incl. ~8 third anniversaries in now's month --------------------------------------------
  const annivYear = thisYear - 3;
  const nAnniv = Math.max(2, Math.round(8 * scale));
  const annivDealers = new Set(rngDealers.sample(active, nAnniv));
  const latestStart = addDays(today, -60);
  for (const d of dealers) {
    if (annivDealers.has(d)) continue;
    const [from, to] =
      d.tier === 'core' ? [2015, 2020] : d.tier === 'silent' ? [2015, 2023] : d.growth ? [2022, 2025] : [2015, 2024];
    // Growth dealers partner ≥ 18 months before now, so a year earlier already has a base to grow from.
    const latest = d.tier === 'silent' ? addDays(today, -400) : d.growth ? addDays(today, -540) : latestStart;
    const y1 = Math.min(to, Number(latest.slice(0, 4)));
    const y0 = Math.min(from, y1);
    d.partnershipStart = latest;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const y = rngDealers.int(y0, y1);
      const m = rngDealers.int(1, 12);
      const day = ymd(y, m, rngDealers.int(1, daysInMonth(y, m)));
      if ((y === annivYear && m === thisMonth) || day > latest) continue;
      d.partnershipStart = day;
      break;
    }
  }
  [...annivDealers].forEach((d, i) => {
    const dom = i === 0 ? thisDom : rngDealers.int(1, daysInMonth(annivYear, thisMonth));
    d.partnershipStart = ymd(annivYear, thisMonth, Math.min(dom, daysInMonth(annivYear, thisMonth)));
  });

  // --- order windows and volumes ---------------------------------------------------------------------------------
  // The trend is 1 in the middle of the last 12 months, so `annual` is about the dealer's last-12-month amount.
  const midIdx = todayIdx - Math.floor(YEAR_DAYS / 2);
  const trend = (d: DealerPlan, i: number) => d.yoy ** ((i - midIdx) / YEAR_DAYS);
  let totalWeight = 0;
  for (let i = yearIdx; i <= todayIdx; i++) totalWeight += dayWeights[i]!;
  for (const d of dealers) {
    // No order before the partnership starts (orders are placed from 08:00 on their day).
    const startIdx = Math.max(0, daysBetween(days[0]!, d.partnershipStart));
    d.fromIdx = startIdx;
    d.toIdx = d.tier === 'silent' ? todayIdx - rngDealers.int(92, 300) : todayIdx;
    if (d.toIdx < d.fromIdx) d.toIdx = d.fromIdx;
    const vol = TIER_VOLUME[d.tier];
    const profileFactor = d.profile === 'engineering' ? 1.3 : d.profile === 'township' ? 0.7 : 1;
    d.annual = vol.amount * profileFactor * rngDealers.logNormal(0.35);
    let w = 0;
    for (let i = d.fromIdx; i <= d.toIdx; i++) {
      const wi = dayWeights[i]! * trend(d, i);
      w += wi;
      if (i < yearIdx) d.weightYearBefore += wi;
    }
    d.weightThisYear = w - d.weightYearBefore;
    d.effective = w / totalWeight;
    d.orderCount = Math.max(2, Math.round(vol.orders * rngDealers.logNormal(0.2) * d.effective));
    d.terms = d.tier === 'core' ? rngDealers.pick([45, 60]) : d.tier === 'key' ? rngDealers.pick([30, 45]) : 30;
    const [lo, hi] = CREDIT_RANGE[d.tier];
    d.creditLimit = rngDealers.int(lo, hi) * 1_000_000; // ¥10k steps
  }

  // --- managers ----------------------------------------------------------------------------------------------------
  const rngManagers = root.fork('managers');
  const phones = new Set<string>();
  const managers = new TableRows('managers', [
    ['code', 'text'],
    ['name', 'text'],
    ['role', 'text'],
    ['regional_code', 'text'],
    ['province', 'text'],
    ['wecom_userid', 'text'],
    ['alert_chat_id', 'text'],
    ['phone', 'text'],
    ['created_at', 'timestamptz'],
  ]);
  const managerCodes: string[] = [];
  let managerSeq = 0;
  const nextManagerCode = () => {
    managerSeq++;
    if (managerSeq > 999) throw new Error('too many managers for M + 3 digits');
    return `M${String(managerSeq).padStart(3, '0')}`;
  };
  const managerCreated = new Date(nowMs - 900 * DAY);
  const regionalOfProvince = new Map<string, string>();
  for (const area of AREAS) {
    const provinces = PROVINCES.filter((p) => p.area === area).map((p) => p.name);
    for (let j = 0; j < regionalsPerArea; j++) {
      const code = nextManagerCode();
      const own = provinces.filter((_, i) => i % regionalsPerArea === j);
      const mine = own.length > 0 ? own : [provinces[j % provinces.length]!];
      for (const p of mine) if (!regionalOfProvince.has(p)) regionalOfProvince.set(p, code);
      const lower = code.toLowerCase();
      managers.add(
        code,
        personName(rngManagers),
        'regional',
        null,
        mine.join(','),
        lower,
        `chat_${code}`,
        uniquePhone(rngManagers, phones),
        managerCreated,
      );
      managerCodes.push(code);
    }
  }
  const dealersByProvince = PROVINCES.map((p) => dealers.filter((d) => d.province === p));
  const amCounts = largestRemainder(
    dealersByProvince.map((list) => list.length),
    nAccount,
    1,
  );
  PROVINCES.forEach((province, pi) => {
    const list = [...dealersByProvince[pi]!].sort((a, b) =>
      a.city.name === b.city.name ? a.code.localeCompare(b.code) : a.city.name.localeCompare(b.city.name),
    );
    const n = amCounts[pi]!;
    if (n === 0 || list.length === 0) return;
    const codes: string[] = [];
    for (let j = 0; j < n; j++) {
      const code = nextManagerCode();
      codes.push(code);
      managers.add(
        code,
        personName(rngManagers),
        'account',
        regionalOfProvince.get(province.name)!,
        province.name,
        code.toLowerCase(),
        `chat_${code}`,
        uniquePhone(rngManagers, phones),
        managerCreated,
      );
      managerCodes.push(code);
    }
    list.forEach((d, i) => {
      d.managerCode = codes[Math.floor((i * n) / list.length)]!;
    });
  });

  // --- orders: plans, calibration to K's revenue, quantities ---------------------------------------------------------
  const rngOrders = root.fork('orders');
  // Stratified over the dealer's cumulative day weights: dealers order regularly, following the season.
  const pickDays = (d: DealerPlan, from: number, to: number, n: number): number[] => {
    const cum: number[] = [];
    let acc = 0;
    for (let i = from; i <= to; i++) {
      acc += dayWeights[i]! * trend(d, i);
      cum.push(acc);
    }
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const u = ((k + rngOrders.next()) / n) * acc;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      out.push(from + lo);
    }
    return out;
  };
  const lineCounts = [1, 2, 3, 4, 5];
  const lineWeights = [0.18, 0.3, 0.26, 0.16, 0.1];
  const allOrders: OrderPlan[] = [];
  const sigma = 0.45;
  const lnMean = Math.exp((sigma * sigma) / 2);
  const signalSkus = new Set<string>(DEMO_SIGNAL.skus);
  /** Weight of a SKU in a dealer's order on a day: its mix weight, times the regional signal where it applies. */
  const lineWeight = (d: DealerPlan, sku: string, dayIdx: number) =>
    MIX[d.profile][sku]! *
    (d.region.marketLevel === DEMO_SIGNAL.marketLevel && signalSkus.has(sku)
      ? DEMO_SIGNAL.monthlyGrowth ** ((dayIdx - todayIdx) / MONTH_DAYS)
      : 1);
  for (const d of dealers) {
    const mix = MIX[d.profile];
    const skus = Object.keys(mix);
    const idxs = pickDays(d, d.fromIdx, d.toIdx, d.orderCount);
    if (d.tier !== 'silent' && !idxs.some((i) => i >= todayIdx - 44)) {
      idxs[idxs.length - 1] = pickDays(d, Math.max(d.fromIdx, todayIdx - 44), todayIdx, 1)[0]!;
    }
    const perOrder = (d.annual * d.effective) / d.orderCount;
    for (const dayIdx of idxs) {
      let amount = (perOrder * rngOrders.logNormal(sigma)) / lnMean;
      let lines: LinePlan[];
      if (d.profile === 'engineering' && rngOrders.chance(0.2)) {
        amount *= 2.5;
        lines = [{ sku: 'KC-S06', share: 1 }];
        if (rngOrders.chance(0.5)) lines.push({ sku: 'KC-Q05', share: 0.12 });
      } else {
        const k = rngOrders.weighted(lineCounts, (n) => lineWeights[n - 1]!);
        const chosen: string[] = [];
        while (chosen.length < Math.min(k, skus.length)) {
          const sku = rngOrders.weighted(skus, (s) => (chosen.includes(s) ? 0 : lineWeight(d, s, dayIdx)));
          chosen.push(sku);
        }
        lines = chosen.map((sku) => ({ sku, share: lineWeight(d, sku, dayIdx) * rngOrders.float(0.5, 1.5) }));
      }
      const shareSum = lines.reduce((s, l) => s + l.share, 0);
      for (const l of lines) l.share /= shareSum;
      // Business hours 08:00–21:00; today's orders end before now.
      let placedAt =
        dayStart(days[dayIdx]!) + 8 * HOUR + rngOrders.int(0, 13 * 60 - 1) * MIN + rngOrders.int(0, 59) * 1000;
      if (placedAt > nowMs - 5 * MIN) placedAt = Math.max(dayStart(days[dayIdx]!), nowMs - rngOrders.int(5, 90) * MIN);
      const order: OrderPlan = {
        dealer: d,
        dayIdx,
        placedAt,
        amount,
        lines,
        orderNo: '',
        status: 'delivered',
        shippedAt: null,
        cancelledAt: null,
        paidAt: null,
        deliveryDate: null,
        qty: [],
        unitPrice: [],
        total: 0,
      };
      d.orders.push(order);
      allOrders.push(order);
    }
    // A dealer's year-over-year change follows its trend, not the luck of a few large orders: scale the year
    // before to the trend's ratio (orders within a year still vary).
    let thisYear = 0;
    let yearBefore = 0;
    for (const o of d.orders) {
      if (o.dayIdx >= yearIdx) thisYear += o.amount;
      else yearBefore += o.amount;
    }
    if (thisYear > 0 && yearBefore > 0 && d.weightThisYear > 0) {
      const k = (thisYear * d.weightYearBefore) / d.weightThisYear / yearBefore;
      for (const o of d.orders) if (o.dayIdx < yearIdx) o.amount *= k;
    }
  }
  // Calibrated on the last 12 months: they total K's yearly revenue; the year before follows from the trends.
  const plannedTotal = allOrders.reduce((s, o) => s + (o.dayIdx >= yearIdx ? o.amount : 0), 0);
  const calibration = (YEARLY_REVENUE_FEN * (nDealers / 600)) / plannedTotal;
  for (const o of allOrders) {
    o.total = 0;
    for (const l of o.lines) {
      const p = productBySku.get(l.sku)!;
      const price = tierPrice(p.listPriceFen, o.dealer.tier);
      const qty = Math.max(p.moq, Math.round((o.amount * calibration * l.share) / price));
      o.qty.push(qty);
      o.unitPrice.push(price);
      o.total += qty * price;
    }
  }

  // Order numbers: SO + yyyymmdd + 4-digit daily sequence, in placing order.
  allOrders.sort((a, b) => a.placedAt - b.placedAt || a.dealer.code.localeCompare(b.dealer.code));
  const sequences = new Map<string, number>();
  for (const o of allOrders) {
    const day = shDay(o.placedAt);
    const seq = (sequences.get(day) ?? 0) + 1;
    if (seq > 9999) throw new Error(`more than 9,999 orders on ${day}`);
    sequences.set(day, seq);
    o.orderNo = `SO${day.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
  }

  // Status, shipping, delivery, payment.
  for (const o of allOrders) {
    const ageH = (nowMs - o.placedAt) / HOUR;
    const placedDay = shDay(o.placedAt);
    if (rngOrders.chance(0.02)) {
      o.status = 'cancelled';
      o.cancelledAt = Math.min(nowMs - MIN, o.placedAt + rngOrders.int(2, 30) * HOUR);
      continue;
    }
    if (ageH < 36) {
      o.status = 'placed';
      o.deliveryDate = addDays(today, rngOrders.int(3, 12));
    } else if (ageH < 6 * 24) {
      o.status = 'shipped';
      o.shippedAt = o.placedAt + rngOrders.int(20, 34) * HOUR;
      o.deliveryDate = addDays(today, rngOrders.int(1, 6));
    } else {
      o.status = 'delivered';
      o.shippedAt = o.placedAt + rngOrders.int(20, 72) * HOUR;
      o.deliveryDate = addDays(shDay(o.shippedAt), rngOrders.int(1, 3));
    }
    const terms = o.dealer.terms;
    const paidAt =
      dayStart(addDays(placedDay, rngOrders.int(1, Math.round(terms * 0.9)))) + rngOrders.int(10 * 60, 17 * 60) * MIN;
    o.paidAt = paidAt <= nowMs ? paidAt : null;
  }

  /** The dealer's non-cancelled orders over the last 12 months, in fen (after quantities are known). */
  const lastYearFen = (d: DealerPlan) =>
    d.orders.reduce((s, o) => s + (o.status !== 'cancelled' && o.dayIdx >= yearIdx ? o.total : 0), 0);

  // ~5% of dealers with a receivable more than 30 days past due.
  const rngMoney = root.fork('money');
  const overdueCandidates = dealers.filter((d) =>
    d.orders.some(
      (o) => o.status !== 'cancelled' && o.dayIdx >= todayIdx - d.terms - 120 && o.dayIdx <= todayIdx - d.terms - 35,
    ),
  );
  const nOverdue = Math.max(1, Math.round(nDealers * 0.05));
  const overdueDealers = new Set(
    rngMoney.sample(
      overdueCandidates.filter((d) => !annivDealers.has(d)),
      nOverdue,
    ),
  );
  const overdueOrders = new Set<OrderPlan>();
  for (const d of overdueDealers) {
    const eligible = d.orders.filter(
      (o) => o.status !== 'cancelled' && o.dayIdx >= todayIdx - d.terms - 120 && o.dayIdx <= todayIdx - d.terms - 35,
    );
    for (const o of rngMoney.sample(eligible, rngMoney.int(1, 3))) {
      o.paidAt = null;
      overdueOrders.add(o);
    }
  }
  // Everyone else stays within credit: raise the limit (up to ¥5M), then settle the oldest open orders.
  for (const d of dealers) {
    if (overdueDealers.has(d)) continue;
    const open = d.orders.filter((o) => o.status !== 'cancelled' && o.paidAt === null);
    let outstanding = open.reduce((s, o) => s + o.total, 0);
    if (outstanding > d.creditLimit * 0.6) {
      d.creditLimit = Math.min(500_000_000, Math.ceil((outstanding * 1.6) / 1_000_000) * 1_000_000);
    }
    open.sort((a, b) => a.placedAt - b.placedAt);
    for (const o of open) {
      if (outstanding <= d.creditLimit * 0.6) break;
      o.paidAt = Math.min(nowMs - 10 * MIN, o.placedAt + rngMoney.int(2, 48) * HOUR);
      outstanding -= o.total;
    }
  }

  // --- tags from the data -------------------------------------------------------------------------------------------
  // (stores first: store coverage feeds 零售终端 and 下沉市场)
  const rngStores = root.fork('stores');
  const storeWeights = dealers.map((d) => {
    const base = TIER_VOLUME[d.tier].stores * rngStores.logNormal(0.3);
    return d.profile === 'township' ? base * 1.2 : base;
  });
  const storeCounts = largestRemainder(storeWeights, nStores, 1);
  const townsOf = (city: CityDef) => city.regions.filter((r) => r.kind === 'township');
  dealers.forEach((d, i) => {
    d.storeCount = storeCounts[i]!;
    const hasTowns = townsOf(d.city).length > 0;
    d.townshipWeight = !hasTowns ? 0 : d.profile === 'township' ? 0.7 : d.region.kind === 'county' ? 0.4 : 0.12;
  });
  // Exactly 35% of stores in townships (乡镇), spread by the dealers' weights.
  const targetTownship = Math.round(nStores * 0.35);
  let factor = 1;
  for (let iter = 0; iter < 20; iter++) {
    const expected = dealers.reduce((s, d) => s + d.storeCount * Math.min(0.95, d.townshipWeight * factor), 0);
    if (expected <= 0) break;
    factor *= targetTownship / expected;
  }
  const townshipCounts = largestRemainder(
    dealers.map((d) => d.storeCount * Math.min(0.95, d.townshipWeight * factor)),
    targetTownship,
  );
  dealers.forEach((d, i) => {
    d.townshipStores = Math.min(d.storeCount, townshipCounts[i]!);
  });
  for (const d of dealers) {
    const otherCities = d.province.cities.filter((c) => c !== d.city);
    const typeMix = STORE_TYPES[d.profile];
    for (let s = 0; s < d.storeCount; s++) {
      const township = s < d.townshipStores;
      const city =
        (d.tier === 'core' || d.tier === 'key') && otherCities.length > 0 && rngStores.chance(0.25)
          ? rngStores.pick(otherCities)
          : d.city;
      let region: RegionDef;
      const towns = townsOf(city);
      if (township) {
        const near = towns.filter((t) => t.parent === d.region.county);
        region =
          city === d.city && near.length > 0 && rngStores.chance(0.7)
            ? rngStores.pick(near)
            : rngStores.pick(towns.length > 0 ? towns : townsOf(d.city));
      } else {
        const districts = city.regions.filter((r) => r.kind === 'district');
        const counties = city.regions.filter((r) => r.kind === 'county');
        if (city === d.city && rngStores.chance(0.45)) region = d.region;
        else {
          const pCounty = d.region.kind === 'county' ? 0.8 : 0.2;
          const group =
            counties.length > 0 && (districts.length === 0 || rngStores.chance(pCounty)) ? counties : districts;
          region = rngStores.pick(group);
        }
      }
      const type = township
        ? rngStores.chance(0.97)
          ? 'retail'
          : 'home_improvement'
        : rngStores.weighted(['retail', 'home_improvement', 'engineering'] as const, (t) => typeMix[t]);
      d.stores.push({ type, region });
    }
    rngStores.shuffle(d.stores);
  }

  // Specialities on the last 12 months; 高成长 on them against the 12 months before.
  for (const d of dealers) {
    const byCategory: Record<string, number> = {};
    let all = 0;
    let s06 = 0;
    let thisYearFen = 0;
    let yearBeforeFen = 0;
    for (const o of d.orders) {
      if (o.status === 'cancelled') continue;
      if (o.dayIdx < yearIdx) {
        yearBeforeFen += o.total;
        continue;
      }
      thisYearFen += o.total;
      o.lines.forEach((l, i) => {
        const amount = o.qty[i]! * o.unitPrice[i]!;
        const cat = productBySku.get(l.sku)!.category;
        byCategory[cat] = (byCategory[cat] ?? 0) + amount;
        all += amount;
        if (l.sku === 'KC-S06') s06 += amount;
      });
    }
    const share = (cats: string[]) => (all > 0 ? cats.reduce((s, c) => s + (byCategory[c] ?? 0), 0) / all : 0);
    const retail = d.stores.filter((s) => s.type === 'retail').length;
    const engineeringStores = d.stores.filter((s) => s.type === 'engineering').length;
    const sunk = d.stores.filter((s) => s.region.marketLevel === '县城' || s.region.marketLevel === '乡镇').length;
    const tags: DealerTag[] = [];
    if (share(['windows', 'doors']) >= 0.75) tags.push('门窗专长');
    if (share(['cabinets']) >= 0.6) tags.push('橱柜专长');
    if (retail / d.storeCount >= 0.85 && d.storeCount >= 10) tags.push('零售终端');
    if ((all > 0 && s06 / all >= 0.2) || engineeringStores / d.storeCount >= 0.3) tags.push('工程渠道');
    if (sunk / d.storeCount >= 0.5) tags.push('下沉市场');
    if (d.tier !== 'silent' && yearBeforeFen > 0 && thisYearFen >= 1.5 * yearBeforeFen) tags.push('高成长');
    d.tags = tags;
  }

  // --- rows: regions, managers, dealers, contacts, identities, stores -------------------------------------------------
  const regions = new TableRows('regions', [
    ['province', 'text'],
    ['city', 'text'],
    ['county', 'text'],
    ['market_level', 'text'],
  ]);
  for (const r of REGIONS) regions.add(r.province, r.city, r.county, r.marketLevel);

  const yuanWan = (fen: number) => (fen / 1_000_000).toFixed(0);
  const dealerRows = new TableRows('dealers', [
    ['code', 'text'],
    ['name', 'text'],
    ['region_id', 'int4'],
    ['tier', 'text'],
    ['tags', 'text[]'],
    ['manager_code', 'text'],
    ['partnership_start', 'date'],
    ['credit_limit_fen', 'int8'],
    ['payment_terms_days', 'int4'],
    ['tier_reasons', 'text[]'],
    ['created_at', 'timestamptz'],
  ]);
  for (const d of dealers) {
    const live = d.orders.filter((o) => o.status !== 'cancelled');
    const yearFen = lastYearFen(d);
    const last = live.reduce((m, o) => Math.max(m, o.placedAt), 0);
    const reasons =
      d.tier === 'silent'
        ? [`最近一次下单在${shDay(last)}，已超过90天未下单`]
        : d.tier === 'core'
          ? [`近12个月提货${yuanWan(yearFen)}万元，位列前10%`, `覆盖门店${d.storeCount}家`]
          : d.tier === 'key'
            ? [`近12个月提货${yuanWan(yearFen)}万元，位列前30%`, `覆盖门店${d.storeCount}家`]
            : [`近12个月提货${yuanWan(yearFen)}万元`];
    dealerRows.add(
      d.code,
      d.name,
      regionKey(d.region),
      d.tier,
      d.tags,
      d.managerCode,
      d.partnershipStart,
      d.creditLimit,
      d.terms,
      reasons,
      new Date(dayStart(d.partnershipStart) + 10 * HOUR),
    );
  }

  // Contacts: 1–2 per dealer; ~10 birthdays in now's week (a few today), the rest avoid that week.
  const rngContacts = root.fork('contacts');
  const weekStart = addDays(today, -((weekday(today) + 6) % 7));
  const weekDays = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
  const weekMonthDays = new Set(weekDays.map((d) => d.slice(5)));
  const contacts = new TableRows('dealer_contacts', [
    ['dealer_code', 'text'],
    ['name', 'text'],
    ['phone', 'text'],
    ['birthday', 'date'],
    ['is_primary', 'bool'],
  ]);
  const nWeekBirthdays = Math.max(3, Math.round(10 * scale));
  const nTodayBirthdays = Math.max(1, Math.round(3 * scale));
  const birthdayDealers = rngContacts.sample(dealers, nWeekBirthdays);
  const birthdayDay = new Map<DealerPlan, string>();
  birthdayDealers.forEach((d, i) => {
    birthdayDay.set(d, i < nTodayBirthdays ? today : rngContacts.pick(weekDays.filter((w) => w !== today)));
  });
  const birthdaysToday: DemoFacts['birthdaysToday'] = [];
  const birthdaysThisWeek: DemoFacts['birthdaysThisWeek'] = [];
  const usedContactNames = new Set<string>();
  const recentBirthdays: Array<{ dealerCode: string; monthDay: string }> = [];
  for (const d of dealers) {
    const n = rngContacts.chance(0.5) ? 2 : 1;
    usedContactNames.clear();
    for (let c = 0; c < n; c++) {
      let name = personName(rngContacts);
      while (usedContactNames.has(name)) name = personName(rngContacts);
      usedContactNames.add(name);
      let birthday: string;
      const special = c === 0 ? birthdayDay.get(d) : undefined;
      if (special) {
        const md = special.slice(5);
        let y = rngContacts.int(1966, 1994);
        if (md === '02-29') while (!isLeap(y)) y++;
        birthday = `${y}${special.slice(4)}`;
        birthdaysThisWeek.push({ dealerCode: d.code, contact: name, birthday });
        if (special === today) birthdaysToday.push({ dealerCode: d.code, contact: name });
      } else {
        do {
          const y = rngContacts.int(1962, 1996);
          const m = rngContacts.int(1, 12);
          birthday = ymd(y, m, rngContacts.int(1, Math.min(28, daysInMonth(y, m))));
        } while (weekMonthDays.has(birthday.slice(5)));
      }
      contacts.add(d.code, name, uniquePhone(rngContacts, phones), birthday, c === 0);
      recentBirthdays.push({ dealerCode: d.code, monthDay: birthday.slice(5) });
    }
  }

  // The birthday greetings of the last 45 days carried a voucher (core/care/offers.ts): some still open, some expired.
  const vouchers = new TableRows('care_vouchers', [
    ['dealer_code', 'text'],
    ['kind', 'text'],
    ['occasion', 'date'],
    ['amount_fen', 'int8'],
    ['min_order_fen', 'int8'],
    ['valid_from', 'date'],
    ['valid_until', 'date'],
    ['created_at', 'timestamptz'],
  ]);
  const issued = new Set<string>();
  for (let back = 1; back <= 45; back++) {
    const day = addDays(today, -back);
    for (const b of recentBirthdays) {
      if (b.monthDay !== day.slice(5) || issued.has(`${b.dealerCode}:${day}`)) continue;
      issued.add(`${b.dealerCode}:${day}`);
      const v = voucherFor('birthday', b.dealerCode, day);
      vouchers.add(
        v.dealerCode,
        v.kind,
        v.occasion,
        v.amountFen,
        v.minOrderFen,
        v.validFrom,
        v.validUntil,
        new Date(dayStart(day) + 9 * HOUR + 10 * MIN),
      );
    }
  }

  const identities = new TableRows('channel_identities', [
    ['channel', 'text'],
    ['external_id', 'text'],
    ['dealer_code', 'text'],
    ['manager_code', 'text'],
    ['open_kfid', 'text'],
    ['bound_at', 'timestamptz'],
  ]);
  const rngIds = root.fork('identities');
  const boundAt = new Date(dayStart(addDays(today, -200)) + 10 * HOUR);
  for (const code of managerCodes) {
    identities.add('sandbox', code, null, code, null, boundAt);
    identities.add('wecom', code.toLowerCase(), null, code, null, boundAt);
  }
  for (const d of dealers) {
    const lower = d.code.toLowerCase();
    identities.add('sandbox', d.code, d.code, null, null, boundAt);
    if (rngIds.chance(0.6)) identities.add('wecom', `wx_${lower}`, d.code, null, null, boundAt);
    else identities.add('kf', `wm_${lower}`, d.code, null, 'wkKdemo01', boundAt);
  }

  const stores = new TableRows('stores', [
    ['code', 'text'],
    ['dealer_code', 'text'],
    ['name', 'text'],
    ['type', 'text'],
    ['region_id', 'int4'],
    ['market_level', 'text'],
    ['opened_on', 'date'],
    ['active', 'bool'],
  ]);
  const earliestStore = '2010-01-01';
  for (const d of dealers) {
    const perPlace = new Map<string, number>();
    const from = addDays(d.partnershipStart, -730) < earliestStore ? earliestStore : addDays(d.partnershipStart, -730);
    const span = Math.max(1, daysBetween(from, addDays(today, -10)));
    for (const [i, s] of d.stores.entries()) {
      const place = placeLabel(s.region);
      const k = (perPlace.get(`${s.type}|${place}`) ?? 0) + 1;
      perPlace.set(`${s.type}|${place}`, k);
      const nth = k > 1 ? String(k) : '';
      const name =
        s.type === 'engineering'
          ? `${d.brand}工程服务部（${place}${nth ? `${nth}部` : ''}）`
          : s.type === 'home_improvement'
            ? `${d.brand}家装体验馆（${place}${nth ? `${nth}馆` : ''}）`
            : `${d.brand}${d.biz}${place}${nth ? `${nth}号` : ''}店`;
      stores.add(
        storeCode(d.code, i + 1),
        d.code,
        name,
        s.type,
        regionKey(s.region),
        s.region.marketLevel,
        addDays(from, rngStores.int(0, span)),
        !rngStores.chance(0.03),
      );
    }
  }

  // --- products, prices, HQ stock -------------------------------------------------------------------------------------
  const products = new TableRows('products', [
    ['sku', 'text'],
    ['name', 'text'],
    ['category', 'text'],
    ['series', 'text'],
    ['unit', 'text'],
    ['list_price_fen', 'int8'],
    ['moq', 'int4'],
    ['order_multiple', 'int4'],
    ['lead_time_days', 'int4'],
    ['tags', 'text[]'],
    ['aliases', 'text[]'],
    ['options', 'jsonb'],
  ]);
  const tierPrices = new TableRows('tier_prices', [
    ['sku', 'text'],
    ['tier', 'text'],
    ['price_fen', 'int8'],
  ]);
  for (const p of catalog) {
    products.add(
      p.sku,
      p.name,
      p.category,
      p.series,
      p.unit,
      p.listPriceFen,
      p.moq,
      1,
      leadTime(p),
      p.tags,
      p.aliases,
      p.options ?? null,
    );
    for (const t of ['core', 'key', 'regular', 'silent'] as const)
      tierPrices.add(p.sku, t, tierPrice(p.listPriceFen, t));
  }
  const reserved = new Map<string, number>();
  const month = new Map<string, number>();
  for (const o of allOrders) {
    if (o.status === 'cancelled') continue;
    o.lines.forEach((l, i) => {
      if (o.status === 'placed') reserved.set(l.sku, (reserved.get(l.sku) ?? 0) + o.qty[i]!);
      if (o.dayIdx > todayIdx - 30) month.set(l.sku, (month.get(l.sku) ?? 0) + o.qty[i]!);
    });
  }
  const rngStock = root.fork('stock');
  const hqStock = new TableRows('hq_stock', [
    ['sku', 'text'],
    ['on_hand', 'int4'],
    ['reserved', 'int4'],
    ['updated_at', 'timestamptz'],
  ]);
  const stockUpdated = new Date(nowMs - 35 * MIN);
  for (const p of catalog) {
    const res = reserved.get(p.sku) ?? 0;
    const onHand = LOW_HQ_STOCK_SKUS.includes(p.sku)
      ? res + p.moq * rngStock.int(1, 3)
      : Math.max(res + p.moq * 20, Math.round(((month.get(p.sku) ?? 0) * rngStock.float(1.2, 2.5)) / 10) * 10);
    hqStock.add(p.sku, onHand, res, stockUpdated);
  }

  // --- orders, lines, sequences, receivables --------------------------------------------------------------------------
  const orders = new TableRows('orders', [
    ['order_no', 'text'],
    ['dealer_code', 'text'],
    ['status', 'text'],
    ['total_fen', 'int8'],
    ['delivery_date', 'date'],
    ['placed_at', 'timestamptz'],
    ['shipped_at', 'timestamptz'],
    ['cancelled_at', 'timestamptz'],
    ['paid_at', 'timestamptz'],
    ['source', 'text'],
  ]);
  const orderLines = new TableRows('order_lines', [
    ['order_no', 'text'],
    ['line_no', 'int4'],
    ['sku', 'text'],
    ['category', 'text'],
    ['qty', 'int4'],
    ['unit_price_fen', 'int8'],
    ['amount_fen', 'int8'],
  ]);
  // Receivables and payments carry the ERP's bill numbers, as an import (or an export of the demo) has them.
  const receivables = new TableRows('receivables', [
    ['bill_no', 'text'],
    ['dealer_code', 'text'],
    ['order_no', 'text'],
    ['amount_fen', 'int8'],
    ['paid_fen', 'int8'],
    ['due_date', 'date'],
    ['created_at', 'timestamptz'],
  ]);
  const payments = new TableRows('payments', [
    ['payment_no', 'text'],
    ['dealer_code', 'text'],
    ['receivable_bill_no', 'text'],
    ['amount_fen', 'int8'],
    ['paid_on', 'date'],
    ['created_at', 'timestamptz'],
  ]);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms));
  let orderAmountFen = 0;
  let orderAmount24mFen = 0;
  const overdueFacts = new Set<string>();
  for (const o of allOrders) {
    orders.add(
      o.orderNo,
      o.dealer.code,
      o.status,
      o.total,
      o.deliveryDate,
      iso(o.placedAt),
      iso(o.shippedAt),
      iso(o.cancelledAt),
      iso(o.paidAt),
      'seed',
    );
    o.lines.forEach((l, i) => {
      const p = productBySku.get(l.sku)!;
      orderLines.add(o.orderNo, i + 1, l.sku, p.category, o.qty[i]!, o.unitPrice[i]!, o.qty[i]! * o.unitPrice[i]!);
    });
    if (o.status === 'cancelled') continue;
    orderAmount24mFen += o.total;
    if (o.dayIdx >= yearIdx) orderAmountFen += o.total;
    if (o.dayIdx > todayIdx - 90 || o.paidAt === null) {
      const due = addDays(shDay(o.placedAt), o.dealer.terms);
      let paid = o.paidAt !== null ? o.total : 0;
      if (paid === 0 && rngMoney.chance(overdueOrders.has(o) ? 0.3 : 0.2)) {
        paid = Math.round((o.total * rngMoney.float(0.2, 0.7)) / 10_000) * 10_000;
      }
      const billNo = `AR${o.orderNo.slice(2)}`;
      receivables.add(billNo, o.dealer.code, o.orderNo, o.total, paid, due, iso(o.placedAt));
      if (paid > 0) {
        // A part payment (no paidAt) came in halfway through the terms, never after today.
        const paidOn =
          o.paidAt !== null ? shDay(o.paidAt) : shDay(Math.min(nowMs, o.placedAt + (o.dealer.terms / 2) * DAY));
        // Recorded the morning it was paid (never after now): the same seed gives the same rows.
        const recorded = new Date(Math.min(nowMs, dayStart(paidOn) + 10 * HOUR));
        payments.add(`PM${o.orderNo.slice(2)}`, o.dealer.code, billNo, paid, paidOn, recorded);
      }
      if (paid < o.total && daysBetween(due, today) > 30) overdueFacts.add(o.dealer.code);
    }
  }
  const orderSequences = new TableRows('order_sequences', [
    ['day', 'date'],
    ['last_seq', 'int4'],
  ]);
  for (const [day, last] of [...sequences].sort(([a], [b]) => a.localeCompare(b))) orderSequences.add(day, last);

  // --- sell-through (90 days) and dealer inventory ---------------------------------------------------------------------
  const rngSell = root.fork('sell');
  const sellDays = days.slice(ORDER_DAYS - SELL_THROUGH_DAYS);
  const activeWithSales = active.filter((d) => !overdueDealers.has(d));
  const pickSome = (list: DealerPlan[], share: number, exclude: Set<DealerPlan>) =>
    rngSell.sample(
      list.filter((d) => !exclude.has(d)),
      Math.max(1, Math.round(nDealers * share)),
    );
  const dropSet = new Set(
    pickSome(
      activeWithSales.filter((d) => d.tier === 'core' || d.tier === 'key'),
      0.02,
      new Set(),
    ),
  );
  const overSet = new Set(pickSome(activeWithSales, 0.03, dropSet));
  const lowSet = new Set(pickSome(activeWithSales, 0.04, new Set([...dropSet, ...overSet])));
  const sellThrough = new TableRows('sell_through', [
    ['dealer_code', 'text'],
    ['sku', 'text'],
    ['day', 'date'],
    ['qty', 'int4'],
  ]);
  // Store-level POS: each day's units of a product sold in one of the dealer's stores at list price, so the
  // dealer's sell-through is the sum over its stores, as after a POS import. Its own generator: the other streams
  // (and every fact derived from them) stay as they were.
  const rngPos = new Prng((seed ^ 0x5eed_9051) >>> 0);
  const storeSales = new TableRows('store_sales', [
    ['store_code', 'text'],
    ['dealer_code', 'text'],
    ['sku', 'text'],
    ['day', 'date'],
    ['qty', 'int4'],
    ['amount_fen', 'int8'],
  ]);
  const inventory = new TableRows('dealer_inventory', [
    ['dealer_code', 'text'],
    ['sku', 'text'],
    ['qty', 'int4'],
    ['synced_at', 'timestamptz'],
  ]);
  const overstock: DemoFacts['overstock'] = [];
  const lowCover: DemoFacts['lowCover'] = [];
  const sellDrop: string[] = [];
  for (const d of active) {
    const bought = new Map<string, { qty: number; amount: number }>();
    for (const o of d.orders) {
      if (o.status === 'cancelled' || o.dayIdx <= todayIdx - 180) continue;
      o.lines.forEach((l, i) => {
        const b = bought.get(l.sku) ?? { qty: 0, amount: 0 };
        b.qty += o.qty[i]!;
        b.amount += o.qty[i]! * o.unitPrice[i]!;
        bought.set(l.sku, b);
      });
    }
    const skus = [...bought.entries()]
      .sort((a, b) => b[1].amount - a[1].amount || a[0].localeCompare(b[0]))
      .slice(0, 8);
    const span = Math.min(180, Math.max(30, todayIdx - d.fromIdx));
    const drop = dropSet.has(d);
    const rates: { sku: string; last28: number; prev28: number }[] = [];
    for (const [sku, b] of skus) {
      const rate = (b.qty / span) * 0.95;
      let last28 = 0;
      let prev28 = 0;
      sellDays.forEach((day, i) => {
        const daysAgo = SELL_THROUGH_DAYS - 1 - i;
        const dow = weekday(day);
        const f = (dow === 0 ? 1.4 : dow === 6 ? 1.3 : 0.86) * (drop && daysAgo < 28 ? 0.45 : 1);
        const qty = rngSell.poisson(rate * f);
        if (daysAgo < 28) last28 += qty;
        else if (daysAgo < 56) prev28 += qty;
        if (qty > 0) {
          sellThrough.add(d.code, sku, day, qty);
          const store = storeCode(d.code, rngPos.int(1, d.stores.length));
          storeSales.add(store, d.code, sku, day, qty, qty * productBySku.get(sku)!.listPriceFen);
        }
      });
      rates.push({ sku, last28, prev28 });
    }
    const l28 = rates.reduce((s, r) => s + r.last28, 0);
    const p28 = rates.reduce((s, r) => s + r.prev28, 0);
    if (p28 > 0 && l28 <= 0.7 * p28) sellDrop.push(d.code);
    // Inventory on the last 28 days' average: normally 40–80 days of cover (60–85 after a drop).
    const withSales = rates.filter((r) => r.last28 > 0);
    const special = withSales.length > 0 ? withSales.reduce((a, b) => (b.last28 > a.last28 ? b : a)) : undefined;
    for (const r of rates) {
      const p = productBySku.get(r.sku)!;
      const daily = r.last28 / 28;
      let cover: number;
      if (special === r && overSet.has(d)) cover = rngSell.int(100, 170);
      else if (special === r && lowSet.has(d)) cover = rngSell.int(3, leadTime(p) + 7 - 5);
      else cover = drop ? rngSell.int(60, 85) : rngSell.int(40, 80);
      const qty = daily > 0 ? Math.max(1, Math.round(daily * cover)) : rngSell.int(1, p.moq);
      const synced = new Date(nowMs - rngSell.int(10, 20 * 60) * MIN);
      inventory.add(d.code, r.sku, qty, synced);
      if (daily > 0) {
        const daysOfCover = Math.round((qty / daily) * 10) / 10;
        if (daysOfCover > 90) overstock.push({ dealerCode: d.code, sku: r.sku, daysOfCover });
        if (daysOfCover < leadTime(p) + 7) lowCover.push({ dealerCode: d.code, sku: r.sku, daysOfCover });
      }
    }
  }

  // --- policies and content ---------------------------------------------------------------------------------------------
  const created = new Date(dayStart(addDays(today, -30)) + 9 * HOUR);
  const policies = new TableRows('policies', [
    ['code', 'text'],
    ['name', 'text'],
    ['kind', 'text'],
    ['spec', 'jsonb'],
    ['active', 'bool'],
    ['created_at', 'timestamptz'],
  ]);
  for (const p of loadPolicies()) policies.add(p.code, p.name, p.kind, JSON.stringify(p), true, created);

  const cases = new TableRows('success_cases', [
    ['title', 'text'],
    ['body', 'text'],
    ['tags', 'text[]'],
    ['tier', 'text'],
    ['dealer_code', 'text'],
    ['created_at', 'timestamptz'],
  ]);
  const usedCaseDealers = new Set<DealerPlan>();
  SUCCESS_CASES.forEach((c, i) => {
    const match =
      dealers.find((d) => !usedCaseDealers.has(d) && d.tier === c.tier && d.tags.includes(c.tags[0]!)) ??
      dealers.find((d) => !usedCaseDealers.has(d) && d.tags.includes(c.tags[0]!));
    if (match) usedCaseDealers.add(match);
    const city = match
      ? shortPlaceName(match.region.kind === 'county' ? match.region.county : match.city.name)
      : '华东某地';
    const body = c.body.replaceAll('{city}', city).replaceAll('{dealer}', match ? match.name : '一家经销商');
    cases.add(c.title, body, c.tags, c.tier, match?.code ?? null, new Date(created.getTime() - i * 7 * DAY));
  });

  const courses = new TableRows('courses', [
    ['title', 'text'],
    ['description', 'text'],
    ['starts_at', 'timestamptz'],
    ['mode', 'text'],
    ['tags', 'text[]'],
    ['seats', 'int4'],
    ['fee_fen', 'int4'],
    ['target_tiers', 'text[]'],
    ['location', 'text'],
  ]);
  for (const c of COURSES) {
    courses.add(
      c.title,
      c.description,
      shanghaiInstant(addDays(today, c.inDays), c.at),
      c.mode,
      c.tags,
      c.seats,
      c.feeYuan * 100,
      c.targetTiers,
      c.location ?? null,
    );
  }

  const rngHonours = root.fork('honours');
  const honours = new TableRows('honours', [
    ['dealer_code', 'text'],
    ['title', 'text'],
    ['awarded_on', 'date'],
  ]);
  const nHonours = Math.max(4, Math.round(20 * scale));
  const byAmount = [...active].sort((a, b) => lastYearFen(b) - lastYearFen(a));
  const lastYear = String(thisYear - 1);
  const fill = (t: string, area = '') =>
    t.replaceAll('{year}', lastYear).replaceAll('{half}', String(thisYear)).replaceAll('{area}', area);
  const awardedYearEnd = ymd(thisYear, 1, 18);
  const honourPlan: [DealerPlan | undefined, string, string][] = [];
  const nTop = Math.ceil(nHonours * 0.35);
  byAmount.slice(0, nTop).forEach((d) => {
    honourPlan.push([d, fill(HONOUR_TITLES.top), awardedYearEnd]);
  });
  for (const d of active.filter((x) => x.tags.includes('高成长')).slice(0, Math.ceil(nHonours * 0.2))) {
    honourPlan.push([d, fill(HONOUR_TITLES.growth), awardedYearEnd]);
  }
  for (const d of active.filter((x) => x.tags.includes('工程渠道')).slice(0, Math.ceil(nHonours * 0.1))) {
    honourPlan.push([d, fill(HONOUR_TITLES.engineering), awardedYearEnd]);
  }
  for (const area of AREAS) {
    const best = byAmount.find((d) => d.province.area === area);
    if (best && thisMonth >= 8) honourPlan.push([best, fill(HONOUR_TITLES.area, area), ymd(thisYear, 7, 15)]);
  }
  const rest = rngHonours.shuffle(active.filter((d) => d.tier !== 'regular' || rngHonours.chance(0.2)));
  for (const d of rest) {
    if (honourPlan.length >= nHonours) break;
    honourPlan.push([d, fill(HONOUR_TITLES.service), awardedYearEnd]);
  }
  for (const [d, title, on] of honourPlan.slice(0, nHonours)) if (d) honours.add(d.code, title, on);

  const campaignRows = campaignSeed({
    dealers: dealers.map((d) => ({
      code: d.code,
      tier: d.tier,
      tags: d.tags,
      province: d.province.name,
      managerCode: d.managerCode,
    })),
    today,
    scale,
    rng: root.fork('campaigns'),
  });

  // Growth reward qualifiers through the policy engine itself, so the fact matches what the bot will say.
  const growthRewardQualifiers: DemoFacts['growthRewardQualifiers'] = [];
  for (const policy of parsePolicies(readPoliciesFile())) {
    if (policy.kind !== 'growth_reward' || policy.period.start > today) continue;
    const previousPeriod = previousYearPeriod(policy.period);
    for (const d of dealers) {
      if (!policyReaches(policy, d)) continue;
      const lines = d.orders.flatMap((o) =>
        o.lines.map((l, i) => ({
          amountFen: o.qty[i]! * o.unitPrice[i]!,
          category: productBySku.get(l.sku)!.category,
          orderStatus: o.status,
          placedAt: new Date(o.placedAt),
        })),
      );
      const current = qualifyingAmount(lines, policy).amountFen;
      const previous = qualifyingAmount(lines, {
        period: previousPeriod,
        excludeCategories: policy.excludeCategories,
      }).amountFen;
      const status = growthStatus(policy, current, previous);
      if (status.qualifies) {
        growthRewardQualifiers.push({
          policyCode: policy.code,
          dealerCode: d.code,
          growth: Math.round(status.growth! * 1000) / 1000,
        });
      }
    }
  }

  const facts: DemoFacts = {
    coreDealers: dealers.filter((d) => d.tier === 'core').map((d) => d.code),
    windowSpecialists: dealers.filter((d) => d.tags.includes('门窗专长')).map((d) => d.code),
    cabinetSpecialists: dealers.filter((d) => d.tags.includes('橱柜专长')).map((d) => d.code),
    engineeringDealers: dealers.filter((d) => d.tags.includes('工程渠道')).map((d) => d.code),
    townshipDealers: dealers.filter((d) => d.tags.includes('下沉市场')).map((d) => d.code),
    growthDealers: dealers.filter((d) => d.tags.includes('高成长')).map((d) => d.code),
    growthRewardQualifiers,
    silentDealers: dealers.filter((d) => d.tier === 'silent').map((d) => d.code),
    birthdaysToday,
    birthdaysThisWeek: birthdaysThisWeek.sort((a, b) => a.dealerCode.localeCompare(b.dealerCode)),
    thirdAnniversaryThisMonth: [...annivDealers]
      .map((d) => ({ dealerCode: d.code, partnershipStart: d.partnershipStart }))
      .sort((a, b) => a.dealerCode.localeCompare(b.dealerCode)),
    overdueDealers: [...overdueFacts].sort(),
    sellThroughDrop: sellDrop.sort(),
    overstock,
    lowCover,
    lowHqStock: [...LOW_HQ_STOCK_SKUS],
  };

  return {
    tables: [
      regions,
      managers,
      dealerRows,
      contacts,
      vouchers,
      identities,
      stores,
      products,
      tierPrices,
      hqStock,
      orders,
      orderLines,
      orderSequences,
      receivables,
      payments,
      sellThrough,
      storeSales,
      inventory,
      policies,
      cases,
      courses,
      honours,
      ...campaignRows,
    ],
    facts,
    orderAmountFen,
    orderAmount24mFen,
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** True when no dealer exists yet (first start: generate the demo). */
export async function isDatabaseEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('dealers').select('code').limit(1).executeTakeFirst();
  return row === undefined;
}

/**
 * Generates the K demo and inserts it in one transaction (batches of ≤ 1,000 rows). Expects empty data tables.
 * Region ids are looked up after inserting the regions, so the ids the sequence hands out do not matter.
 */
export async function seedDemoData(db: Kysely<Database>, opts: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? DEFAULT_SEED;
  const data = generateDemoData({ scale, now, seed });
  const total = data.tables.reduce((s, t) => s + t.length, 0);
  let done = 0;
  opts.onProgress?.(0, total, 'generated');
  const counts: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    for (const rows of data.tables) {
      await insertRows(trx, rows, (n) => {
        done += n;
        opts.onProgress?.(done, total, rows.table);
      });
      counts[rows.table] = rows.length;
      if (rows.table === 'regions') {
        const ids = await trx.selectFrom('regions').select(['id', 'province', 'city', 'county']).execute();
        const byKey = new Map(ids.map((r) => [regionKey(r), r.id]));
        for (const t of data.tables) {
          const c = t.columns.findIndex(([name]) => name === 'region_id');
          if (c >= 0) t.data[c] = t.data[c]!.map((k) => byKey.get(k as string)!);
        }
      }
    }
    // Settlements and policy comments are derived from the loaded orders and policies (issue 13).
    Object.assign(counts, await seedStatements(trx, now));
    Object.assign(counts, await seedGrowth(trx, now, seed));
  });
  return {
    scale,
    seed,
    now: now.toISOString(),
    counts,
    totalRows: total,
    orderAmountFen: data.orderAmountFen,
    orderAmount24mFen: data.orderAmount24mFen,
    ms: Math.round(performance.now() - started),
    facts: data.facts,
  };
}
