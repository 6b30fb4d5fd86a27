import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { DirectoryEntry, DirectoryManager } from '../../core/accounts/accounts.types.js';
import type { DirectoryStore } from '../../core/accounts/ports.js';
import type { Database } from '../schema.js';

/**
 * The dealers a manager answers for, as a condition on a dealers alias: their own, and for a regional manager also
 * every dealer of the account managers reporting to them (the same scope as core/needs' managesDealer).
 */
export function dealerInScope(manager: DirectoryManager, dealerAlias = 'd'): Expression<SqlBool> {
  const own = sql.ref(`${dealerAlias}.manager_code`);
  return manager.role === 'regional'
    ? sql<SqlBool>`(${own} = ${manager.code} or ${own} in (select code from managers where regional_code = ${manager.code}))`
    : sql<SqlBool>`${own} = ${manager.code}`;
}

/** core/accounts' DirectoryStore on Kysely. */
export class DealerSearchRepository implements DirectoryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async manager(code: string): Promise<DirectoryManager | null> {
    const r = await this.db.selectFrom('managers').select(['code', 'role']).where('code', '=', code).executeTakeFirst();
    return r ?? null;
  }

  async dealersInScope(manager: DirectoryManager): Promise<DirectoryEntry[]> {
    const rows = await this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .leftJoin('dealer_contacts as c', 'c.dealer_code', 'd.code')
      .select([
        'd.code',
        'd.name',
        'd.tier',
        'r.province',
        'r.city',
        'r.county',
        sql<
          string[]
        >`coalesce(array_agg(c.name order by c.is_primary desc, c.id) filter (where c.name is not null), '{}')`.as(
          'contacts',
        ),
      ])
      .where(dealerInScope(manager))
      .groupBy(['d.code', 'r.id'])
      .orderBy('d.code')
      .execute();
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      tier: r.tier,
      province: r.province,
      city: r.city,
      county: r.county,
      contactNames: r.contacts,
    }));
  }
}
