import type { CaseReader } from '../care/success-case.js';
export interface ManagerKfAccount {
  externalId: string;
  managerCode: string;
  managerName: string;
  boundAt: Date;
}

/** Who is who: the dealer and manager facts a conversation names, and the link from a chat account to a dealer. */
export interface DealerDirectory {
  /** The dealer whose registered contact has this phone, if code and phone belong together. */
  dealerByContact(dealerCode: string, phone: string): Promise<{ code: string; name: string } | undefined>;
  /** Links a chat account to a dealer; an account already linked keeps its link. */
  bindChannel(channel: string, externalId: string, dealerCode: string): Promise<void>;
  /** Links a 微信客服 account to a manager (after a binding code); an account already linked keeps its link. */
  bindManagerKf(externalId: string, managerCode: string): Promise<'bound' | 'taken'>;
  /** Managers' 微信客服 accounts, one manager's or (no code) all, newest first. */
  managerKfAccounts(managerCode?: string): Promise<ManagerKfAccount[]>;
  /** Unlinks a manager's 微信客服 account (only that manager's when a code is given); true when one was removed. */
  unbindManagerKf(externalId: string, managerCode?: string): Promise<boolean>;
  dealerName(code: string): Promise<string | undefined>;
  /** What success-case matching needs of a dealer. */
  caseReader(code: string): Promise<CaseReader | undefined>;
  managerName(code: string): Promise<string | undefined>;
  /** How a dealer reaches their manager: the name, and the phone when HQ recorded one. */
  managerContact(code: string): Promise<{ name: string; phone: string | null } | undefined>;
}
