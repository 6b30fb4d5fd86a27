import type { Kysely } from 'kysely';
import type { Notifier } from '../../core/common/notifier.port.js';
import { NeedsService } from '../../core/needs/needs.service.js';
import type { SlaTable } from '../../core/needs/sla.js';
import { CareService } from '../../core/care/care.service.js';
import { RetieringService } from '../../core/dealers/retiering.service.js';
import type { JobRunStore, OutboxRetentionStore } from '../../core/scheduling/ports.js';
import { CareRepository, DeliveryLogRepository } from '../../db/repositories/care.repository.js';
import { DealerScoreRepository } from '../../db/repositories/dealers.repository.js';
import { NeedsRepository } from '../../db/repositories/needs.repository.js';
import { JobRunsRepository } from '../../db/repositories/job-runs.repository.js';
import { OutboxRetentionRepository } from '../../db/repositories/outbox-retention.repository.js';
import type { Database } from '../../db/schema.js';
import { needNotices } from '../replies/needs.replies.js';
import { OutboxPushQueue } from './jobs/pushes.js';

/** The core services scheduled jobs call, bound to one transaction. */
export interface JobServices {
  care: CareService;
  retiering: RetieringService;
  outboxRetention: OutboxRetentionStore;
  needs: NeedsService;
}

/** What the services take from the job's context: the notifier of the transaction and deployment settings. */
export interface JobServiceOptions {
  notifier(trx: Kysely<Database>): Notifier;
  settings?: { needSla?: SlaTable };
}

/**
 * The scheduler's wiring: core services on the repositories of one transaction, their pushes queued into the same
 * transaction's outbox and recorded in its delivery log. The only place in bot/scheduler that knows db/.
 */
export function jobServices(trx: Kysely<Database>, opts: JobServiceOptions): JobServices {
  const deliveries = new DeliveryLogRepository(trx);
  const queue = new OutboxPushQueue(trx);
  return {
    care: new CareService({ store: new CareRepository(trx), deliveries, queue }),
    retiering: new RetieringService({ store: new DealerScoreRepository(trx), deliveries, queue }),
    outboxRetention: new OutboxRetentionRepository(trx),
    // Built on use: only the SLA job needs it.
    get needs() {
      return new NeedsService({
        store: new NeedsRepository(trx),
        notifier: opts.notifier(trx),
        notices: needNotices,
        sla: opts.settings?.needSla,
      });
    },
  };
}

export function jobRunStore(db: Kysely<Database>): JobRunStore {
  return new JobRunsRepository(db);
}
