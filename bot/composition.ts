import type { Kysely } from 'kysely';
import type { KeyValueStore } from '../adapters/kv/kv.js';
import type { Notifier } from '../core/common/notifier.port.js';
import type { SlaTable } from '../core/needs/sla.js';
import { NeedsService } from '../core/needs/needs.service.js';
import { OrderService } from '../core/orders/order.service.js';
import { PolicyService } from '../core/policies/policy.service.js';
import { StockService } from '../core/stock/stock.service.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { KyselyCareContent } from '../db/repositories/content.repository.js';
import { KyselyConversationStore } from '../db/repositories/conversation.repository.js';
import { KyselyDealerDirectory } from '../db/repositories/directory.repository.js';
import { KyselyFollowupStore } from '../db/repositories/followups.repository.js';
import { NeedsRepository, needsReport } from '../db/repositories/needs.repository.js';
import { KyselyNluMissStore } from '../db/repositories/nlu-misses.repository.js';
import { KyselyOrderStore } from '../db/repositories/order.repository.js';
import { KyselyPipelineStatusReader } from '../db/repositories/outbox.repository.js';
import { pipelineStores, pipelineUnitOfWork, turnUnitOfWork } from '../db/repositories/pipeline.stores.js';
import { PolicyRepository, policyUnitOfWork } from '../db/repositories/policies.repository.js';
import { KyselyStockStore } from '../db/repositories/stock.repository.js';
import type { Database } from '../db/schema.js';
import type { AppConfig } from './config.js';
import { outboxNotifier } from './pipeline/outbox.js';
import { needNotices } from './replies/needs.replies.js';
import { pipelineReplies } from './replies/pipeline.replies.js';
import { ordersReplies } from './replies/orders.replies.js';
import { runJobInSlot } from './scheduler/job-runner.js';
import { scoreMonth } from './scheduler/jobs/dealer-score.job.js';
import type { Services, TurnServices } from './services.js';

export interface ServicesOptions {
  kv: KeyValueStore;
  settings: { needSla: SlaTable };
  /** Wakes the outbox dispatcher after a commit that queued messages (absent in the CLI: no dispatcher runs). */
  outboxQueued?: () => void;
}

/** The unit of work: services on a transaction (or the database) with that transaction's notifier. */
export type ServicesFactory = (tx: Kysely<Database>, notifier?: Notifier) => Services;

/**
 * The one place services are assembled: `services(tx)` binds every core service, its repository and its notifier
 * to one transaction — the worker's turn, or the database itself for the admin API and the CLI.
 */
export function servicesFactory(opts: ServicesOptions): ServicesFactory {
  const notifierFor = (tx: Kysely<Database>) => outboxNotifier(pipelineStores(tx), opts.outboxQueued);
  return (tx: Kysely<Database>, notifier: Notifier = notifierFor(tx)): Services => ({
    orders: new OrderService(new KyselyOrderStore(tx), {
      notifier,
      placedNotice: ordersReplies.managerNotice,
      cancelledNotice: ordersReplies.managerCancelNotice,
    }),
    stock: new StockService(new KyselyStockStore(tx)),
    needs: new NeedsService({
      store: new NeedsRepository(tx),
      notifier,
      notices: needNotices,
      sla: opts.settings.needSla,
    }),
    // Pushes open their own transactions per batch: only from the database, never inside a turn.
    policies: new PolicyService(new PolicyRepository(tx), policyUnitOfWork(tx, notifierFor)),
    directory: new KyselyDealerDirectory(tx),
    content: new KyselyCareContent(tx),
    conversation: new KyselyConversationStore(tx),
    nluMisses: new KyselyNluMissStore(tx),
    needsReport: (period) => needsReport(tx, period),
    pipelineStatus: new KyselyPipelineStatusReader(tx),
    followups: new KyselyFollowupStore(tx),
    runJob: (job, run) =>
      runJobInSlot(tx, job, run.slot, run.instance, {
        kv: opts.kv,
        now: run.now,
        notifier: notifierFor,
        log: run.log,
        settings: opts.settings,
      }),
    scoreDealers: (month, now) => scoreMonth(tx, month, now),
  });
}

/** Conversation turns: the pipeline's stores and the turn's services, bound to one transaction per turn. */
export function turnsUnitOfWork(db: Kysely<Database>, services: ServicesFactory) {
  return turnUnitOfWork(
    db,
    (tx): TurnServices =>
      (notifier) =>
        services(tx, notifier),
  );
}

/** What a CLI command gets: the services on the configured database, and the sandbox delivery of due messages. */
export interface CliServices {
  services: Services;
  /** Delivers what is due now through the sandbox route (no WeCom configured); returns how many went. */
  deliverDue(): Promise<number>;
}

/**
 * Opens the configured database for one CLI command, brings it to the latest migration, builds the services,
 * runs `fn` and closes everything (releasing the PGlite lock) whatever happens.
 */
export async function withServices<T>(config: Readonly<AppConfig>, fn: (cli: CliServices) => Promise<T>): Promise<T> {
  const [{ openKeyValueStore }, { OutboxDispatcher }, { PipelineBus }] = await Promise.all([
    import('../adapters/kv/index.js'),
    import('./pipeline/dispatcher.js'),
    import('./pipeline/bus.js'),
  ]);
  const kv = await openKeyValueStore(config.kv);
  try {
    const h = await openDatabase(config.db);
    try {
      await migrateToLatest(h.db);
      const services = servicesFactory({ kv, settings: { needSla: config.needs.sla } })(h.db);
      const deliverDue = async () => {
        const dispatcher = new OutboxDispatcher(pipelineUnitOfWork(h.db), new PipelineBus(), {
          kv,
          transports: null,
          kf: null,
          maxAttempts: config.pipeline.outboxMaxAttempts,
          texts: pipelineReplies,
          batchSize: 500,
        });
        let delivered = 0;
        for (let n = await dispatcher.runOnce(); n > 0; n = await dispatcher.runOnce()) delivered += n;
        return delivered;
      };
      return await fn({ services, deliverDue });
    } finally {
      await h.close();
    }
  } finally {
    await kv.close();
  }
}

/** `npm run cli -- migrate`: applies pending migrations; returns their names. */
export async function migrateDatabase(config: Readonly<AppConfig>): Promise<string[]> {
  const h = await openDatabase(config.db);
  try {
    return await migrateToLatest(h.db);
  } finally {
    await h.close();
  }
}

/** `npm run cli -- seed …`: the K demo generator on the configured database. */
export async function seedDatabase(
  config: Readonly<AppConfig>,
  args: string[],
  io: { isTTY: boolean; write: (line: string) => void },
): Promise<number> {
  const { runSeedCli } = await import('../db/seed/seed.cli.js');
  const h = await openDatabase(config.db);
  try {
    await migrateToLatest(h.db);
    return await runSeedCli(h.db, args, io);
  } finally {
    await h.close();
  }
}
