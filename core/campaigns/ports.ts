import type { DeliveryLog } from '../care/ports.js';
import type { Notifier } from '../common/notifier.port.js';
import type {
  Campaign,
  CampaignDealer,
  CampaignEntry,
  CampaignWithCounts,
  EntryResult,
  NewCampaign,
  ReportEntry,
} from './campaigns.types.js';

/** Persistence of campaigns and their entries; db/repositories/campaigns.repository.ts implements it. */
export interface CampaignStore {
  insert(c: NewCampaign): Promise<Campaign>;
  get(code: string): Promise<CampaignWithCounts | null>;
  /** Newest first; `openOn` keeps those not ended by that date. */
  list(opts?: { openOn?: string }): Promise<CampaignWithCounts[]>;
  /** Campaigns ended before `today` whose results are not recorded yet. */
  endedWithoutResults(today: string): Promise<Campaign[]>;
  dealer(code: string): Promise<CampaignDealer | null>;
  /** The dealer only when the manager answers for it (their own; a regional manager: their account managers'). */
  dealerForManager(managerCode: string, dealerCode: string): Promise<CampaignDealer | null>;
  isManager(code: string): Promise<boolean>;
  /** Every dealer the campaign targets (its provinces, tiers and tags; empty lists match all). */
  targetedDealers(c: Campaign): Promise<CampaignDealer[]>;
  entriesOf(dealerCode: string): Promise<CampaignEntry[]>;
  /** Locks the campaign row (seats are counted under it) and returns its counts. */
  lockCounts(code: string): Promise<{ applied: number; approved: number }>;
  /** Inserts an application; false when the dealer has one already. */
  apply(campaignCode: string, dealerCode: string, at: Date): Promise<boolean>;
  /** applied → approved; false when it was not 'applied'. */
  approve(campaignCode: string, dealerCode: string, managerCode: string, at: Date): Promise<boolean>;
  report(code: string): Promise<ReportEntry[]>;
  /** POS sell-through of a dealer between two dates (inclusive). */
  sellThrough(dealerCode: string, from: string, to: string): Promise<{ fen: number; qty: number }>;
  saveResult(campaignCode: string, dealerCode: string, r: EntryResult): Promise<void>;
  markResults(code: string, at: Date): Promise<void>;
}

/** The words of campaign messages (bot/replies implements them; core keeps no user text). */
export interface CampaignTexts {
  invitation(c: Campaign, dealer: CampaignDealer): string;
  /** To the account manager: a dealer applied, and how to approve. */
  applied(c: Campaign, dealer: CampaignDealer, seatsLeft: number): string;
  /** To the dealer: their application was approved. */
  approved(c: Campaign, dealer: CampaignDealer): string;
  /** To the dealer: their result at the end. */
  dealerResult(c: Campaign, dealer: CampaignDealer, r: EntryResult): string;
  /** To each account manager: their dealers' results. */
  managerResults(c: Campaign, rows: ReadonlyArray<{ dealer: CampaignDealer; result: EntryResult }>): string;
}

export interface CampaignPorts {
  store: CampaignStore;
  notifier: Notifier;
  deliveries: DeliveryLog;
  texts: CampaignTexts;
}
