import type { Kysely } from 'kysely';
import type { ContactDealer, ContactManager, ContactRecord } from '../../core/contacts/contacts.types.js';
import type { CadenceDealer } from '../../core/contacts/cadence.js';
import type { CadenceStore, ContactLogStore } from '../../core/contacts/ports.js';
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

/** core/contacts' ContactLogStore and CadenceStore on Kysely (table manager_contacts). */
export class ContactLogRepository implements ContactLogStore, CadenceStore {
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

  private cadenceQuery() {
    return this.db
      .selectFrom('dealers as d')
      .select(['d.code', 'd.name', 'd.tier', 'd.manager_code'])
      .select((eb) =>
        eb
          .selectFrom('manager_contacts as c')
          .whereRef('c.dealer_code', '=', 'd.code')
          .select((e) => e.fn.max('c.contacted_at').as('at'))
          .as('last_contact_at'),
      );
  }

  private static cadence(r: {
    code: string;
    name: string;
    tier: CadenceDealer['tier'];
    manager_code: string;
    last_contact_at: Date | string | null;
  }): CadenceDealer {
    return {
      code: r.code,
      name: r.name,
      tier: r.tier,
      managerCode: r.manager_code,
      lastContactAt: r.last_contact_at === null ? null : new Date(r.last_contact_at),
    };
  }

  async cadenceDealers(managerCode?: string): Promise<CadenceDealer[]> {
    let q = this.cadenceQuery().orderBy('d.code');
    if (managerCode) {
      const m = await this.manager(managerCode);
      if (!m) return [];
      q = q.where(dealerInScope(m));
    }
    return (await q.execute()).map((r) => ContactLogRepository.cadence(r));
  }

  async cadenceDealer(dealerCode: string): Promise<CadenceDealer | null> {
    const r = await this.cadenceQuery().where('d.code', '=', dealerCode).executeTakeFirst();
    return r ? ContactLogRepository.cadence(r) : null;
  }

  async managerNames(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('managers').select(['code', 'name']).execute();
    return new Map(rows.map((r) => [r.code, r.name]));
  }
}
