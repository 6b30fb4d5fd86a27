/** A manager's record of having talked to one of their dealers (`am.contact.log`). */
export interface ContactRecord {
  id: number;
  managerCode: string;
  dealerCode: string;
  note: string;
  contactedAt: Date;
}

/** A dealer the manager answers for, as the contact log needs it. */
export interface ContactDealer {
  code: string;
  name: string;
}

export interface ContactManager {
  code: string;
  role: 'account' | 'regional';
}

export interface LoggedContact {
  contact: ContactRecord;
  dealer: ContactDealer;
  /** The contact with this dealer recorded before this one (by any manager), if any. */
  previous: ContactRecord | null;
}
