import type { Kysely } from 'kysely';
import type { PipelineStatusReader } from '../../core/common/pipeline-status.port.js';
import type { Database } from '../schema.js';

export class KyselyPipelineStatus implements PipelineStatusReader {
  constructor(private readonly db: Kysely<Database>) {}

  async counts() {
    const count = (table: 'inbound_messages' | 'outbox') =>
      this.db
        .selectFrom(table)
        .select(['status', this.db.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
    const [inbound, outbox] = await Promise.all([count('inbound_messages'), count('outbox')]);
    return { inbound, outbox };
  }
}
