import type { Kysely } from 'kysely';
import { CareService } from '../../core/care/care.service.js';
import { RetieringService } from '../../core/dealers/retiering.service.js';
import type { JobRunStore, OutboxRetentionStore } from '../../core/scheduling/ports.js';
import { CareRepository, DeliveryLogRepository } from '../../db/repositories/care.repository.js';
import { DealerScoreRepository } from '../../db/repositories/dealers.repository.js';
import { JobRunsRepository } from '../../db/repositories/job-runs.repository.js';
import { OutboxRetentionRepository } from '../../db/repositories/outbox-retention.repository.js';
import type { Database } from '../../db/schema.js';
import { OutboxPushQueue } from './jobs/pushes.js';

/** The core services scheduled jobs call, bound to one transaction. */
export interface JobServices {
  care: CareService;
  retiering: RetieringService;
  outboxRetention: OutboxRetentionStore;
}

/**
 * The scheduler's wiring: core services on the repositories of one transaction, their pushes queued into the same
 * transaction's outbox and recorded in its delivery log. The only place in bot/scheduler that knows db/.
 */
export function jobServices(trx: Kysely<Database>): JobServices {
  const deliveries = new DeliveryLogRepository(trx);
  const queue = new OutboxPushQueue(trx);
  return {
    care: new CareService({ store: new CareRepository(trx), deliveries, queue }),
    retiering: new RetieringService({ store: new DealerScoreRepository(trx), deliveries, queue }),
    outboxRetention: new OutboxRetentionRepository(trx),
  };
}

export function jobRunStore(db: Kysely<Database>): JobRunStore {
  return new JobRunsRepository(db);
}
