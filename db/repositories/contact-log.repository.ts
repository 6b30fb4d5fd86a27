import type { Kysely } from 'kysely';
import type { ContactDealer, ContactManager, ContactRecord } from '../../core/contacts/contacts.types.js';
import type { ContactLogStore } from '../../core/contacts/ports.js';
import type { Database } from '../schema.js';
import { dealerInScope } from './dealer-search.repository.js';

type Row = { id: number; manager_code: string; dealer_code: string; note: string; contacted_at: Date };

const toRecord = (r: Row): ContactRecord => ({
  id: Number(r.id),
  managerCode: r.manager_code,
  dealerCode: r.dealer_code,
  note: r.note,
  contactedAt: r.contacted_at,
});

/** core/contacts' ContactLogStore on Kysely (table manager_contacts). */
export class ContactLogRepository implements ContactLogStore {
  constructor(private readonly db: Kysely<Database>) {}

  async manager(code: string): Promise<ContactManager | null> {
    const r = await this.db.selectFrom('managers').select(['code', 'role']).where('code', '=', code).executeTakeFirst();
    return r ?? null;
  }

  async dealerInScope(manager: ContactManager, dealerCode: string): Promise<ContactDealer | null> {
    const r = await this.db
      .selectFrom('dealers as d')
      .select(['d.code', 'd.name'])
      .where('d.code', '=', dealerCode)
      .where(dealerInScope(manager))
      .executeTakeFirst();
    return r ?? null;
  }

  async lastContact(dealerCode: string, atOrBefore: Date): Promise<ContactRecord | null> {
    const r = await this.db
      .selectFrom('manager_contacts')
      .select(['id', 'manager_code', 'dealer_code', 'note', 'contacted_at'])
      .where('dealer_code', '=', dealerCode)
      .where('contacted_at', '<=', atOrBefore)
      .orderBy('contacted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toRecord(r) : null;
  }

  async insert(c: Omit<ContactRecord, 'id'>): Promise<ContactRecord> {
    const r = await this.db
      .insertInto('manager_contacts')
      .values({ manager_code: c.managerCode, dealer_code: c.dealerCode, note: c.note, contacted_at: c.contactedAt })
      .returning(['id', 'manager_code', 'dealer_code', 'note', 'contacted_at'])
      .executeTakeFirstOrThrow();
    return toRecord(r);
  }
}
