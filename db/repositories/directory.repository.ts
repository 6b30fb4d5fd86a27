import type { Kysely } from 'kysely';
import type { CaseReader } from '../../core/care/success-case.js';
import type { DealerDirectory, ManagerKfAccount } from '../../core/dealers/directory.port.js';
import type { Channel, Database } from '../schema.js';

export class KyselyDealerDirectory implements DealerDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  dealerByContact(dealerCode: string, phone: string): Promise<{ code: string; name: string } | undefined> {
    return this.db
      .selectFrom('dealer_contacts as c')
      .innerJoin('dealers as d', 'd.code', 'c.dealer_code')
      .select(['d.code', 'd.name'])
      .where('c.dealer_code', '=', dealerCode)
      .where('c.phone', '=', phone)
      .executeTakeFirst();
  }

  async bindChannel(channel: string, externalId: string, dealerCode: string): Promise<void> {
    await this.db
      .insertInto('channel_identities')
      .values({ channel: channel as Channel, external_id: externalId, dealer_code: dealerCode })
      .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
      .execute();
  }

  async bindManagerKf(externalId: string, managerCode: string): Promise<'bound' | 'taken'> {
    const row = await this.db
      .insertInto('channel_identities')
      .values({ channel: 'kf', external_id: externalId, manager_code: managerCode })
      .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
      .returning('external_id')
      .executeTakeFirst();
    return row ? 'bound' : 'taken';
  }

  async managerKfAccounts(managerCode?: string): Promise<ManagerKfAccount[]> {
    let q = this.db
      .selectFrom('channel_identities as ci')
      .innerJoin('managers as m', 'm.code', 'ci.manager_code')
      .select(['ci.external_id', 'ci.manager_code', 'm.name', 'ci.bound_at'])
      .where('ci.channel', '=', 'kf');
    if (managerCode) q = q.where('ci.manager_code', '=', managerCode);
    const rows = await q.orderBy('ci.bound_at', 'desc').orderBy('ci.external_id').execute();
    return rows.map((r) => ({
      externalId: r.external_id,
      managerCode: r.manager_code!,
      managerName: r.name,
      boundAt: new Date(r.bound_at),
    }));
  }

  async unbindManagerKf(externalId: string, managerCode?: string): Promise<boolean> {
    let q = this.db
      .deleteFrom('channel_identities')
      .where('channel', '=', 'kf')
      .where('external_id', '=', externalId)
      .where('manager_code', 'is not', null);
    if (managerCode) q = q.where('manager_code', '=', managerCode);
    const res = await q.executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async dealerName(code: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('dealers').select('name').where('code', '=', code).executeTakeFirst();
    return row?.name;
  }

  async caseReader(code: string): Promise<CaseReader | undefined> {
    return this.db.selectFrom('dealers').select(['code', 'tier', 'tags']).where('code', '=', code).executeTakeFirst();
  }

  async managerName(code: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('managers').select('name').where('code', '=', code).executeTakeFirst();
    return row?.name;
  }

  async managerContact(code: string): Promise<{ name: string; phone: string | null } | undefined> {
    return this.db.selectFrom('managers').select(['name', 'phone']).where('code', '=', code).executeTakeFirst();
  }
}
