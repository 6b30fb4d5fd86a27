import type { Kysely } from 'kysely';
import { AnomalyService } from '../core/care/anomaly.service.js';
import { CareService } from '../core/care/care.service.js';
import type { CareOffers } from '../core/care/offers.js';
import type { Notifier } from '../core/common/notifier.port.js';
import { RetieringService } from '../core/dealers/retiering.service.js';
import { VoucherRepository } from '../db/repositories/vouchers.repository.js';
import type { NeedResources } from '../core/insights/ports.js';
import type { UnitOfWork } from '../core/messaging/ports.js';
import type { ImportStore } from '../core/imports/ports.js';
import { ErpSyncService } from '../core/erp/erp-sync.service.js';
import { KingdeeClient } from '../adapters/erp/kingdee/kingdee.client.js';
import { KingdeeConnector } from '../adapters/erp/kingdee/kingdee.connector.js';
import { loadKingdeeMapping } from '../adapters/erp/kingdee/kingdee.mapping.js';
import { KyselyErpSyncStore } from '../db/repositories/erp-sync.repository.js';
import { DirectoryService } from '../core/accounts/directory.service.js';
import { randomBytes } from 'node:crypto';
import { StatementLinks } from '../core/accounts/statement-link.js';
import { StatementService } from '../core/accounts/statement.service.js';
import { PolicyFeedbackService } from '../core/policies/feedback.js';
import { RebateStatementService } from '../core/policies/rebate-statement.js';
import { PolicyFeedbackRepository } from '../db/repositories/policy-feedback.repository.js';
import { SettlementRepository } from '../db/repositories/settlements.repository.js';
import { TierService } from '../core/accounts/tier.service.js';
import { CampaignService } from '../core/campaigns/campaign.service.js';
import { type CadenceTable, DEFAULT_CADENCE } from '../core/contacts/cadence.js';
import { CadenceService } from '../core/contacts/cadence.service.js';
import { ContactLogService } from '../core/contacts/contact-log.service.js';
import { PortfolioService } from '../core/contacts/portfolio.service.js';
import { SalesService } from '../core/insights/sales.service.js';
import { NeedPredictionService } from '../core/insights/need-prediction.service.js';
import { TrendInsightService } from '../core/insights/trend-insights.service.js';
import { TrendsService } from '../core/insights/trends.service.js';
import type { SlaTable } from '../core/needs/sla.js';
import { NeedsService } from '../core/needs/needs.service.js';
import { OrderService } from '../core/orders/order.service.js';
import { PolicyService } from '../core/policies/policy.service.js';
import type { JobRunStore } from '../core/scheduling/ports.js';
import { StockService } from '../core/stock/stock.service.js';
import { HonoursService } from '../core/honours/honours.service.js';
import { TrainingReminders, TrainingService } from '../core/training/training.service.js';
import { HonoursRepository } from '../db/repositories/honours.repository.js';
import { TrainingRepository } from '../db/repositories/training.repository.js';
import { honourTexts, trainingTexts } from './replies/training.replies.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { AnomalyRepository } from '../db/repositories/anomalies.repository.js';
import { CareRepository, DeliveryLogRepository } from '../db/repositories/care.repository.js';
import { AccountsRepository } from '../db/repositories/accounts.repository.js';
import { ConsoleRepository, ConsoleSessionRepository } from '../db/repositories/console.repository.js';
import { CampaignsRepository } from '../db/repositories/campaigns.repository.js';
import { ContactLogRepository } from '../db/repositories/contact-log.repository.js';
import { PortfolioRepository } from '../db/repositories/portfolio.repository.js';
import { DealerSearchRepository } from '../db/repositories/dealer-search.repository.js';
import { ImportService } from '../core/imports/import.service.js';
import { ImportOfferDesk, ImportOfferReview } from '../core/imports/offer.service.js';
import { itemsOfFile } from '../adapters/imports/import-bytes.js';
import { ImportOffersRepository } from '../db/repositories/import-offers.repository.js';
import { offerNotices } from './replies/files.replies.js';
import { KyselyExportSource } from '../db/repositories/imports-export.repository.js';
import { KyselyImportStore } from '../db/repositories/imports.repository.js';
import { InsightsRepository } from '../db/repositories/insights.repository.js';
import { KyselyCareContent } from '../db/repositories/content.repository.js';
import { KyselyConversationStore } from '../db/repositories/conversation.repository.js';
import { DealerScoreRepository } from '../db/repositories/dealers.repository.js';
import { KyselyDealerDirectory } from '../db/repositories/directory.repository.js';
import { KyselyFollowupStore } from '../db/repositories/followups.repository.js';
import { JobRunsRepository } from '../db/repositories/job-runs.repository.js';
import { NeedsRepository, needsReport } from '../db/repositories/needs.repository.js';
import { KyselyNluMissStore } from '../db/repositories/nlu-misses.repository.js';
import { KyselyOrderStore } from '../db/repositories/order.repository.js';
import { KyselyPipelineStatusReader } from '../db/repositories/outbox.repository.js';
import { OutboxRetentionRepository } from '../db/repositories/outbox-retention.repository.js';
import { pipelineStores, pipelineUnitOfWork, turnUnitOfWork } from '../db/repositories/pipeline.stores.js';
import { PolicyRepository, policyUnitOfWork } from '../db/repositories/policies.repository.js';
import { KyselyStockStore } from '../db/repositories/stock.repository.js';
import { kyselyUnitOfWork } from '../db/repositories/unit-of-work.js';
import type { Database } from '../db/schema.js';
import type { AppConfig } from './config.js';
import { outboxNotifier } from './pipeline/outbox.js';
import { importProblemText } from './replies/imports.replies.js';
import { anomalyNotices } from './replies/anomaly.replies.js';
import { cadenceTexts } from './replies/cadence.replies.js';
import { campaignTexts } from './replies/campaigns.replies.js';
import { needNotices } from './replies/needs.replies.js';
import { needTexts, trendTexts } from './replies/insights.replies.js';
import { pipelineReplies } from './replies/pipeline.replies.js';
import { ordersReplies } from './replies/orders.replies.js';
import { tierReasonText } from './replies/tiers.replies.js';
import { runJobInSlot } from './scheduler/job-runner.js';
import type { JobServices } from './scheduler/job.types.js';
import { scoreMonth } from './scheduler/jobs/dealer-score.job.js';
import { runnableJobs } from './scheduler/jobs/index.js';
import { OutboxPushQueue } from './scheduler/jobs/pushes.js';
import type { CliServices, Services, TurnServices } from './services.js';

/** The settings the services take from the configuration (the app and the CLI alike). */
export function servicesSettings(config: Readonly<AppConfig>): ServicesOptions['settings'] {
  return {
    needSla: config.needs.sla,
    outboxRetentionDays: config.scheduler.outboxRetentionDays,
    statements: config.statements,
    contactCadence: config.contacts.cadence,
    careOffers: config.care.offers,
  };
}

export interface ServicesOptions {
  settings: {
    needSla: SlaTable;
    outboxRetentionDays?: number;
    statements?: { linkSecret: string | undefined; linkTtlHours: number; publicBaseUrl: string | undefined };
    contactCadence?: CadenceTable;
    careOffers?: CareOffers;
  };
  /** Wakes the outbox dispatcher after a commit that queued messages (absent in the CLI: no dispatcher runs). */
  outboxQueued?: () => void;
}

function runnableJob(name: string) {
  const job = runnableJobs().find((j) => j.name === name);
  if (!job) throw new Error(`unknown job ${name}`);
  return job;
}

/** The unit of work: services on a transaction (or the database) with that transaction's notifier. */
export type ServicesFactory = (tx: Kysely<Database>, notifier?: Notifier) => Services;

/**
 * The one place services are assembled: `services(tx)` binds every core service, its repository and its notifier
 * to one transaction — the worker's turn, or the database itself for the admin API and the CLI.
 */
export function servicesFactory(opts: ServicesOptions): ServicesFactory {
  const notifierFor = (tx: Kysely<Database>) => outboxNotifier(pipelineStores(tx), opts.outboxQueued);
  const st = opts.settings.statements;
  // Without a configured secret, one per process: links stay valid until the next restart.
  const statementLinks = {
    links: new StatementLinks(st?.linkSecret ?? randomBytes(32).toString('base64url'), st?.linkTtlHours ?? 72),
    baseUrl: st?.publicBaseUrl ?? '',
  };
  // Each service is built when a turn first reads it (a turn reads a few of them), on the turn's transaction and
  // notifier; the getters are made once here, so a turn allocates one object and what it uses.
  const bound = lazyFields<BoundTo, Services>({
    orders: ({ tx, notifier }) =>
      new OrderService(new KyselyOrderStore(tx), {
        notifier: notifier(),
        placedNotice: ordersReplies.managerNotice,
        cancelledNotice: ordersReplies.managerCancelNotice,
      }),
    stock: ({ tx }) => new StockService(new KyselyStockStore(tx)),
    needs: ({ tx, notifier }) =>
      new NeedsService({
        store: new NeedsRepository(tx),
        notifier: notifier(),
        notices: needNotices,
        sla: opts.settings.needSla,
      }),
    // Pushes open their own transactions per batch: only from the database, never inside a turn.
    policies: ({ tx }) => new PolicyService(new PolicyRepository(tx), policyUnitOfWork(tx, notifierFor)),
    directory: ({ tx }) => new KyselyDealerDirectory(tx),
    statement: ({ tx }) => new StatementService(new AccountsRepository(tx)),
    rebates: ({ tx }) => new RebateStatementService(new PolicyRepository(tx), new SettlementRepository(tx)),
    policyFeedback: ({ tx }) => new PolicyFeedbackService(new PolicyFeedbackRepository(tx), new PolicyRepository(tx)),
    statementLinks: () => statementLinks,
    tier: ({ tx }) => new TierService(new AccountsRepository(tx)),
    sales: ({ tx }) => new SalesService(new InsightsRepository(tx)),
    trends: ({ tx }) => new TrendsService(new InsightsRepository(tx)),
    trendInsights: ({ tx }) => trendInsightService(tx),
    dealerSearch: ({ tx }) => new DirectoryService(new DealerSearchRepository(tx)),
    contacts: ({ tx }) => new ContactLogService(new ContactLogRepository(tx)),
    cadence: ({ tx, notifier }) => cadenceService(tx, notifier(), opts.settings.contactCadence),
    portfolio: ({ tx }) =>
      new PortfolioService({
        store: new PortfolioRepository(tx),
        cadence: opts.settings.contactCadence ?? DEFAULT_CADENCE,
      }),
    campaigns: ({ tx, notifier }) => campaignService(tx, notifier()),
    content: ({ tx }) => new KyselyCareContent(tx),
    training: ({ tx }) => new TrainingService(new TrainingRepository(tx)),
    honours: ({ tx }) => new HonoursRepository(tx),
    conversation: ({ tx }) => new KyselyConversationStore(tx),
    nluMisses: ({ tx }) => new KyselyNluMissStore(tx),
    needsReport:
      ({ tx }) =>
      (period) =>
        needsReport(tx, period),
    pipelineStatus: ({ tx }) => new KyselyPipelineStatusReader(tx),
    followups: ({ tx }) => new KyselyFollowupStore(tx),
    runJob:
      ({ tx }) =>
      (name, run) =>
        runJobInSlot(jobRuns(tx), runnableJob(name), run.slot, run.instance, {
          services: jobUnitOfWork(tx, { notifier: notifierFor, settings: opts.settings }),
          now: run.now,
          log: run.log,
          settings: opts.settings,
        }),
    scoreDealers:
      ({ tx }) =>
      (month, now) =>
        scoreMonth(jobUnitOfWork(tx, { notifier: notifierFor }), month, now),
    console: ({ tx }) => new ConsoleRepository(tx),
    consoleSessions: ({ tx }) => new ConsoleSessionRepository(tx),
    importRuns: ({ tx }) => new KyselyImportStore(tx),
    importOffers: ({ tx }) => offerDesk(tx),
  });
  return (tx, given) => {
    // Without a notifier given, the transaction's own, made once and only if a service sends.
    let own: Notifier | undefined;
    const notifier = given ? () => given : () => (own ??= notifierFor(tx));
    return bound({ tx, notifier });
  };
}

/** What a turn's services are bound to: its transaction, and the notifier their messages go through. */
interface BoundTo {
  tx: Kysely<Database>;
  notifier: () => Notifier;
}

/**
 * An object of `T` whose fields are built from `ctx` on first read and kept (an own property then shadows the
 * getter). The getters live on one prototype made here, so each object costs one allocation plus what is read.
 */
function lazyFields<C, T extends object>(build: { [K in keyof T]: (ctx: C) => T[K] }): (ctx: C) => T {
  const proto: object = {};
  for (const key of Object.keys(build) as Array<keyof T & string>) {
    Object.defineProperty(proto, key, {
      enumerable: true,
      get(this: { [CONTEXT]: C }) {
        const value = build[key](this[CONTEXT]);
        Object.defineProperty(this, key, { value, enumerable: true, writable: true });
        return value;
      },
    });
  }
  return (ctx) => {
    const fields = Object.create(proto) as { [CONTEXT]: C };
    fields[CONTEXT] = ctx;
    return fields as unknown as T;
  };
}
const CONTEXT = Symbol('lazyFields.context');

export interface JobServiceOptions {
  /** The notifier writing into the outbox of the given transaction. */
  notifier(tx: Kysely<Database>): Notifier;
  settings?: { needSla?: SlaTable; contactCadence?: CadenceTable; careOffers?: CareOffers };
}

/** Staging of managers' chat files, on one transaction (the offers and the managers' scope in one repository). */
function offerDesk(tx: Kysely<Database>): ImportOfferDesk {
  const offers = new ImportOffersRepository(tx);
  return new ImportOfferDesk(offers, offers);
}

/** Joint campaigns on one transaction: invitations, approvals and results go to its outbox, recorded once. */
function campaignService(tx: Kysely<Database>, notifier: Notifier): CampaignService {
  return new CampaignService({
    store: new CampaignsRepository(tx),
    notifier,
    deliveries: new DeliveryLogRepository(tx),
    texts: campaignTexts,
  });
}

/** The contact cadence (K's by default) on one transaction. */
function cadenceService(tx: Kysely<Database>, notifier: Notifier, table?: CadenceTable): CadenceService {
  return new CadenceService({
    store: new ContactLogRepository(tx),
    table: table ?? DEFAULT_CADENCE,
    notifier,
    deliveries: new DeliveryLogRepository(tx),
    texts: cadenceTexts,
  });
}

/** Regional trends told to dealers and managers: pushes queued into the transaction's outbox, recorded once. */
function trendInsightService(tx: Kysely<Database>): TrendInsightService {
  return new TrendInsightService({
    store: new InsightsRepository(tx),
    deliveries: new DeliveryLogRepository(tx),
    queue: new OutboxPushQueue(pipelineStores(tx)),
    texts: trendTexts,
  });
}

/** What a predicted need is answered with: HQ's courses and cases, the running promotions. */
function needResources(tx: Kysely<Database>): NeedResources {
  const content = new KyselyCareContent(tx);
  return {
    upcomingCourses: (from, limit) => content.upcomingCourses(from, limit),
    successCases: () => content.successCases(),
    activePromotions: async () =>
      (await new CareRepository(tx).activePolicies())
        .filter((p) => p.kind === 'promotion')
        .map((p) => ({ code: p.code, name: p.name })),
  };
}

/**
 * The scheduler's services: core services on the repositories of one transaction, their pushes queued into the
 * same transaction's outbox and recorded in its delivery log.
 */
export function jobUnitOfWork(db: Kysely<Database>, opts: JobServiceOptions): UnitOfWork<JobServices> {
  return kyselyUnitOfWork(db, (tx) => {
    const deliveries = new DeliveryLogRepository(tx);
    const queue = new OutboxPushQueue(pipelineStores(tx));
    return {
      care: new CareService({
        store: new CareRepository(tx),
        deliveries,
        queue,
        vouchers: new VoucherRepository(tx),
        ...(opts.settings?.careOffers ? { offers: opts.settings.careOffers } : {}),
      }),
      anomalies: anomalyService(tx),
      retiering: new RetieringService({ store: new DealerScoreRepository(tx), deliveries, queue }, tierReasonText),
      outboxRetention: new OutboxRetentionRepository(tx),
      trainingReminders: new TrainingReminders({
        store: new TrainingRepository(tx),
        deliveries,
        queue,
        texts: trainingTexts,
      }),
      honours: new HonoursService({ store: new HonoursRepository(tx), deliveries, queue, texts: honourTexts }),
      trendInsights: trendInsightService(tx),
      needPredictions: new NeedPredictionService({
        store: new InsightsRepository(tx),
        resources: needResources(tx),
        deliveries,
        queue,
        texts: needTexts,
      }),
      get campaigns() {
        return campaignService(tx, opts.notifier(tx));
      },
      get cadence() {
        return cadenceService(tx, opts.notifier(tx), opts.settings?.contactCadence);
      },
      // Built on use: only the SLA job needs it.
      get needs() {
        return new NeedsService({
          store: new NeedsRepository(tx),
          notifier: opts.notifier(tx),
          notices: needNotices,
          sla: opts.settings?.needSla,
        });
      },
    };
  });
}

/**
 * Imports into `db` (the CLI today, the admin API alike): every row and what is derived from it in SQL (dealer stock,
 * sell-through, paid amounts) commit together, so the chat's stock, replenishment and rebate answers read them at
 * once.
 */
export function importService(
  db: Kysely<Database>,
  opts: { now?: () => Date; outboxQueued?: () => void } = {},
): ImportService {
  // After the commit, the touched dealers' anomalies are brought up to date in one transaction of their own (its
  // notices and the lifecycle rows commit together); the daily job covers everyone.
  const refresh = kyselyUnitOfWork(db, anomalyService);
  return new ImportService(importStore(db), importProblemText, opts.now, async ({ dealers, at }) => {
    const r = await refresh.transaction((s) => s.refresh(dealers.kind === 'all' ? 'all' : [...dealers.codes], at));
    if (r.queued > 0) opts.outboxQueued?.();
  });
}

/**
 * HQ's review of the files managers sent in chat: imports through the same service as the CLI and the admin API;
 * the sender's notice commits with the offer's decision.
 */
export function importOfferReview(
  db: Kysely<Database>,
  opts: { now?: () => Date; outboxQueued?: () => void } = {},
): ImportOfferReview {
  return new ImportOfferReview({
    uow: kyselyUnitOfWork(db, (tx) => {
      const offers = new ImportOffersRepository(tx);
      return { offers, scope: offers, notifier: outboxNotifier(pipelineStores(tx), opts.outboxQueued) };
    }),
    importer: importService(db, opts),
    read: itemsOfFile,
    notices: offerNotices,
    now: opts.now ?? (() => new Date()),
  });
}

/** The anomaly lifecycle on one transaction: its notices go to that transaction's outbox. */
export function anomalyService(tx: Kysely<Database>): AnomalyService {
  return new AnomalyService({
    store: new AnomalyRepository(tx),
    queue: new OutboxPushQueue(pipelineStores(tx)),
    deliveries: new DeliveryLogRepository(tx),
    notices: anomalyNotices,
  });
}

/** Where job runs claim their slots (one run per job and slot across instances). */
export function jobRuns(db: Kysely<Database>): JobRunStore {
  return new JobRunsRepository(db);
}

/** Where imports go: each import opens its own transaction, so the store is bound to the database. */
export function importStore(db: Kysely<Database>): ImportStore {
  return new KyselyImportStore(db);
}

/** The import of one entity's rows (CLI, admin API and ERP sync share it), its problems worded for HQ. */

/**
 * The ERP sync when one is configured (config.erp), else null: the Kingdee connector with its field mapping, the
 * import store and the sync's own store on `db`.
 */
export function erpSyncService(
  config: Readonly<AppConfig>,
  db: Kysely<Database>,
  opts: { now?: () => Date } = {},
): ErpSyncService | null {
  const erp = config.erp;
  if (!erp) return null;
  const client = new KingdeeClient({
    ...erp.kingdee,
    timeoutMs: erp.timeoutMs,
    retries: erp.retries,
    retryDelayMs: erp.retryDelayMs,
  });
  const connector = new KingdeeConnector(client, loadKingdeeMapping(erp.mappingPath), erp.pageSize);
  return new ErpSyncService(connector, new KyselyErpSyncStore(db), importService(db, { now: opts.now }), {
    overlapMs: erp.overlapMs,
    reconcileDays: erp.reconcileDays,
    now: opts.now,
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
      const services = servicesFactory({ settings: servicesSettings(config) })(h.db);
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
      return await fn({
        services,
        imports: importStore(h.db),
        importer: importService(h.db),
        offers: importOfferReview(h.db),
        exports: new KyselyExportSource(h.db),
        erp: erpSyncService(config, h.db),
        deliverDue,
      });
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
