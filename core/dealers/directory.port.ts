import type { CaseReader } from '../care/success-case.js';
/** Who is who: the dealer and manager facts a conversation names, and the link from a chat account to a dealer. */
export interface DealerDirectory {
  /** The dealer whose registered contact has this phone, if code and phone belong together. */
  dealerByContact(dealerCode: string, phone: string): Promise<{ code: string; name: string } | undefined>;
  /** Links a chat account to a dealer; an account already linked keeps its link. */
  bindChannel(channel: string, externalId: string, dealerCode: string): Promise<void>;
  dealerName(code: string): Promise<string | undefined>;
  /** What success-case matching needs of a dealer. */
  caseReader(code: string): Promise<CaseReader | undefined>;
  managerName(code: string): Promise<string | undefined>;
}
