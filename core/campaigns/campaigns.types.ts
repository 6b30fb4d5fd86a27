import type { Tier } from '../dealers/tiers.js';

/** A joint campaign HQ runs with its dealers (区域促销, 新品体验节); an empty target list means "everyone". */
export interface Campaign {
  code: string;
  name: string;
  description: string;
  provinces: string[];
  tags: string[];
  tiers: Tier[];
  /** Shanghai dates, inclusive. */
  startsOn: string;
  endsOn: string;
  /** HQ's subsidy per approved dealer. */
  subsidyFen: number;
  seats: number;
  /** When the results were recorded (after the end); null before. */
  resultsAt: Date | null;
}

export type NewCampaign = Omit<Campaign, 'code' | 'resultsAt'>;

/** A dealer as targeting, sign-up and approval see it. */
export interface CampaignDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  province: string;
  managerCode: string;
}

/** Sell-through (POS) of one dealer: in the campaign window and in the window of the same length before it. */
export interface EntryResult {
  baselineFen: number;
  campaignFen: number;
  baselineQty: number;
  campaignQty: number;
}

export interface CampaignEntry {
  campaignCode: string;
  dealerCode: string;
  status: 'applied' | 'approved';
  appliedAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  result: EntryResult | null;
}

/** A campaign with how many seats its entries hold (applied or approved). */
export interface CampaignWithCounts extends Campaign {
  applied: number;
  approved: number;
}

/** One entry of a campaign report, the dealer named. */
export interface ReportEntry extends CampaignEntry {
  dealerName: string;
  managerCode: string;
  /** Percent change against the baseline, one decimal; null without a baseline or before results. */
  liftPct: number | null;
}

export interface CampaignReport {
  campaign: CampaignWithCounts;
  entries: ReportEntry[];
  /** Sums over the approved dealers with results (null before the results are recorded). */
  totals: (EntryResult & { liftPct: number | null; dealers: number }) | null;
}
