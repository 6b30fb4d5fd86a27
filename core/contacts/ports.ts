import type { CadenceDealer } from './cadence.js';
import type { ContactDealer, ContactManager, ContactRecord } from './contacts.types.js';

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
