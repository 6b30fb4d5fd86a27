import { type Kysely, sql } from 'kysely';
import type { OutboxRetentionStore } from '../../core/scheduling/ports.js';
import type { Database } from '../schema.js';

/** The outbox's retention: finished rows go once old; care history lives in care_deliveries, not here. */
export class OutboxRetentionRepository implements OutboxRetentionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async pruneFinished(before: Date): Promise<number> {
    // Batched so a first prune of a large outbox does not hold one huge delete.
    let total = 0;
    for (;;) {
      const { rows } = await sql<{ id: string }>`
        delete from outbox where id in (
          select o.id from outbox o
          where o.status in ('sent','dead') and coalesce(o.sent_at, o.created_at) < ${before}
            and not exists (select 1 from followups f where f.outbox_id = o.id)
          limit 5000)
        returning id`.execute(this.db);
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  }
}
