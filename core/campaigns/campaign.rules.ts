import { addDays } from '../common/time.js';
import { TIER_RANK } from '../dealers/tiers.js';
import type { Campaign, CampaignDealer, EntryResult, NewCampaign } from './campaigns.types.js';

/** Whether a campaign is meant for the dealer: every non-empty target list (provinces, tiers, tags) must match. */
export function targets(c: Pick<Campaign, 'provinces' | 'tiers' | 'tags'>, d: CampaignDealer): boolean {
  if (c.provinces.length && !c.provinces.includes(d.province)) return false;
  if (c.tiers.length && !c.tiers.includes(d.tier)) return false;
  if (c.tags.length && !c.tags.some((t) => d.tags.includes(t))) return false;
  return true;
}

/** Open for sign-up and approval until its last day. */
export const isOpen = (c: Pick<Campaign, 'endsOn'>, today: string) => today <= c.endsOn;

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY) + 1;

/** The baseline: the window of the campaign's length that ends the day before it starts. */
export function baselineWindow(c: Pick<Campaign, 'startsOn' | 'endsOn'>): { from: string; to: string } {
  const n = days(c.startsOn, c.endsOn);
  return { from: addDays(c.startsOn, -n), to: addDays(c.startsOn, -1) };
}

/** Change in sell-through amount against the baseline, in percent with one decimal; null without a baseline. */
export function liftPct(r: Pick<EntryResult, 'baselineFen' | 'campaignFen'>): number | null {
  if (r.baselineFen <= 0) return null;
  return Math.round(((r.campaignFen - r.baselineFen) / r.baselineFen) * 1000) / 10;
}

const squash = (s: string) => s.toLowerCase().replace(/[\s\p{P}的活动报名参加]/gu, '');

/**
 * The campaigns the dealer's words name: a name containing the words (or contained in them) wins; otherwise the
 * ones sharing most characters, at least two. No words: every candidate.
 *
 * @example matchCampaigns('体验节', [新品体验节, 区域促销]) → [新品体验节]
 */
export function matchCampaigns<C extends Pick<Campaign, 'name'>>(
  words: string | undefined,
  candidates: readonly C[],
): C[] {
  const w = words ? squash(words) : '';
  if (!w) return [...candidates];
  const exact = candidates.filter((c) => {
    const n = squash(c.name);
    return n.includes(w) || w.includes(n);
  });
  if (exact.length) return exact;
  const score = (c: C) => [...new Set(w)].filter((ch) => squash(c.name).includes(ch)).length;
  const best = Math.max(0, ...candidates.map(score));
  return best >= 2 ? candidates.filter((c) => score(c) === best) : [];
}

/** What is wrong with a new campaign (empty when nothing). */
export function campaignProblems(c: NewCampaign): string[] {
  const problems: string[] = [];
  if (c.name.trim().length < 2 || c.name.trim().length > 40) problems.push('name: 2 to 40 characters');
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(c.startsOn) || Number.isNaN(Date.parse(c.startsOn))) problems.push('startsOn: a date YYYY-MM-DD');
  if (!date.test(c.endsOn) || Number.isNaN(Date.parse(c.endsOn))) problems.push('endsOn: a date YYYY-MM-DD');
  else if (c.endsOn < c.startsOn) problems.push('endsOn: before startsOn');
  if (!Number.isInteger(c.seats) || c.seats < 1) problems.push('seats: a positive integer');
  if (!Number.isInteger(c.subsidyFen) || c.subsidyFen < 0) problems.push('subsidyFen: a non-negative integer');
  for (const t of c.tiers) if (!(t in TIER_RANK)) problems.push(`tiers: unknown tier ${t}`);
  return problems;
}
