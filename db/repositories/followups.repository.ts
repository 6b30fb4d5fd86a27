import type { Kysely } from 'kysely';
import type { FollowupStore } from '../../core/messaging/ports.js';
import type { Followup, NewFollowup } from '../../core/messaging/types.js';
import type { Database } from '../schema.js';

/** FollowupStore on Kysely: what account managers must handle by hand. */
export class KyselyFollowupStore implements FollowupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(item: NewFollowup): Promise<void> {
    await this.db
      .insertInto('followups')
      .values({
        manager_code: item.managerCode,
        dealer_code: item.dealerCode,
        body: item.body,
        outbox_id: item.outboxId ?? null,
      })
      .onConflict((oc) => oc.column('outbox_id').doNothing())
      .execute();
  }

  async list(status: 'open' | 'done', managerCode?: string, limit = 500): Promise<Followup[]> {
    let q = this.db
      .selectFrom('followups')
      .select(['id', 'manager_code', 'dealer_code', 'body', 'status', 'created_at'])
      .where('status', '=', status)
      .orderBy('id', 'desc')
      .limit(limit);
    if (managerCode) q = q.where('manager_code', '=', managerCode);
    return (await q.execute()).map((r) => ({
      id: r.id,
      managerCode: r.manager_code,
      dealerCode: r.dealer_code,
      body: r.body,
      status: r.status,
      createdAt: r.created_at,
    }));
  }

  async close(id: number): Promise<boolean> {
    const r = await this.db.updateTable('followups').set({ status: 'done' }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
