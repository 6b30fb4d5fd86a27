import type { StockPosition } from '../care/replenishment.js';
import type { CadenceDealer } from './cadence.js';
import type { ContactDealer, ContactManager, ContactRecord } from './contacts.types.js';
import type { PortfolioContact, PortfolioDealer } from './portfolio.js';

/** Persistence of the contact log; db/repositories/contact-log.repository.ts implements it. */
export interface ContactLogStore {
  manager(code: string): Promise<ContactManager | null>;
  /** The dealer, only when the manager answers for it (their own; a regional manager: their account managers'). */
  dealerInScope(manager: ContactManager, dealerCode: string): Promise<ContactDealer | null>;
  /** The latest contact with the dealer at or before `atOrBefore` (asked before the new one is inserted). */
  lastContact(dealerCode: string, atOrBefore: Date): Promise<ContactRecord | null>;
  insert(contact: Omit<ContactRecord, 'id'>): Promise<ContactRecord>;
}

/** What the contact cadence reads; db/repositories/contact-log.repository.ts implements it. */
export interface CadenceStore {
  /** Every dealer with its last contact; one manager's only when given (a regional one: their team's dealers). */
  cadenceDealers(managerCode?: string): Promise<CadenceDealer[]>;
  cadenceDealer(dealerCode: string): Promise<CadenceDealer | null>;
  managerNames(): Promise<Map<string, string>>;
}

/** What a manager's portfolio and contact plan read; db/repositories/portfolio.repository.ts implements it. */
export interface PortfolioStore {
  manager(code: string): Promise<ContactManager | null>;
  /** The manager's own dealers (a regional manager: their team's) with their standing on `now`. */
  portfolio(manager: ContactManager, now: Date): Promise<PortfolioDealer[]>;
  /** Contacts of these dealers with a birthday on record. */
  birthdays(codes: readonly string[]): Promise<PortfolioContact[]>;
  /** These dealers' stock positions on `date` (core/care's, for the replenishment advice). */
  stockPositions(codes: readonly string[], date: string): Promise<Map<string, StockPosition[]>>;
}
