import type { Kysely } from 'kysely';
import type { CaseReader } from '../../core/care/success-case.js';
import type { DealerDirectory } from '../../core/dealers/directory.port.js';
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
}
