import type { HonourCandidate, HonourPeriod } from './honour.rules.js';

export interface Honour {
  id: number;
  dealerCode: string;
  title: string;
  awardedOn: string;
  ruleCode: string | null;
  period: string | null;
  reason: string | null;
}

export interface RegionRecipients {
  /** Dealers of the province (winners included; the service leaves them out). */
  dealers: string[];
  /** Account managers of the province's dealers and their regional managers. */
  managers: string[];
}

/** Persistence of honours; db/repositories/honours.repository.ts implements it. */
export interface HonourStore {
  /** Every dealer with orders in the period: counts, amounts (and a year earlier), mean collaboration score. */
  candidates(period: HonourPeriod): Promise<HonourCandidate[]>;
  /** Inserts the awards not yet given (rule, period, dealer unique); returns those inserted now. */
  insertAwards(rows: ReadonlyArray<Omit<Honour, 'id'>>): Promise<Honour[]>;
  /** The awards of a rule period already given (a rerun announces them again only through the delivery log). */
  awardsOf(period: string): Promise<Honour[]>;
  forDealer(code: string): Promise<Honour[]>;
  /** Honours newest first, optionally of one period. */
  list(opts: { period?: string; limit: number }): Promise<Array<Honour & { dealerName: string; province: string }>>;
  region(province: string): Promise<RegionRecipients>;
}
