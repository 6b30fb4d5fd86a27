import { KfBindingCodes } from '../core/accounts/kf-binding.js';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openKeyValueStore } from '../adapters/kv/index.js';
import type { KeyValueStore } from '../adapters/kv/kv.js';
import { MpClient } from '../adapters/miniprogram/mp.client.js';
import { WecomClient } from '../adapters/wecom/wecom.client.js';
import {
  type DatabaseHandle,
  DatabaseLockedError,
  migrateToLatest,
  migrationsCurrent,
  openDatabase,
} from '../db/connect.js';
import { catalogFingerprint, loadCatalog } from '../db/repositories/catalog.repository.js';
import { pipelineStores, pipelineUnitOfWork } from '../db/repositories/pipeline.stores.js';
import { isDatabaseEmpty, seedDemoData } from '../db/seed/k-demo.js';
import { type AppConfig, ConfigError, loadConfigFromProcess } from './config.js';
import { createConversationStep } from './dialog/engine.js';
import { handlers, onImage } from './handlers/index.js';
import { chatFiles } from './handlers/files.handler.js';
import { channelFiles, SandboxMedia } from './channels/media.js';
import {
  erpSyncService,
  importOfferReview,
  importService,
  importStore,
  jobRuns,
  jobUnitOfWork,
  type ServicesFactory,
  servicesFactory,
  servicesSettings,
  turnsUnitOfWork,
} from './composition.js';
import type { TurnServices } from './services.js';
import { LiveCatalog } from './nlu/catalog.live.js';
import { llmFallback } from './nlu/llm.fallback.js';
import { createIntentLlm, type IntentLlm } from '../adapters/llm/llm.client.js';
import { promptsV1 } from '../prompts/index.js';
import { PipelineBus } from './pipeline/bus.js';
import { OutboxDispatcher } from './pipeline/dispatcher.js';
import { kfSend, mpSend, wecomTransports } from './pipeline/transports.js';
import { InboundWorker } from './pipeline/worker.js';
import { createLogger } from './logger.js';
import { buildServer, requireAdminToken } from './server.js';
import { groundedRephraser } from './replies/rephrase.js';
import { pipelineReplies } from './replies/pipeline.replies.js';
import { adminApi } from './api/index.js';
import { KfPuller } from './channels/wecom/kf.puller.js';
import { MAX_MESSAGE_BYTES, outboxNotifier } from './pipeline/outbox.js';
import { jobs } from './scheduler/jobs/index.js';
import { erpJobs } from './scheduler/jobs/erp-sync.job.js';
import { Scheduler } from './scheduler/scheduler.js';
import { wecomRoutes } from './channels/wecom/wecom.routes.js';
import { mpRoutes } from './channels/miniprogram/mp.routes.js';
import { consoleRoutes } from './console/index.js';
import { metricsRoutes } from './console/metrics.js';
import { statementLinkRoutes } from './console/pages/statements.js';

/** How often the chat's product matcher checks whether an import changed the catalog. */
const CATALOG_CHECK_MS = 30_000;

export interface App {
  config: Readonly<AppConfig>;
  database: DatabaseHandle;
  kv: KeyValueStore;
  bus: PipelineBus;
  worker: InboundWorker<TurnServices>;
  dispatcher: OutboxDispatcher;
  server: FastifyInstance;
  wecom: WecomClient | null;
  /** 微信客服 pull (with WeCom configured). */
  kf: KfPuller | null;
  llm: IntentLlm | null;
  /** The unit of work: every service bound to a transaction (or to `database.db`). */
  services: ServicesFactory;
  /** The job scheduler, when started (config.scheduler.enabled; tests only when asked). */
  scheduler: Scheduler | null;
  log: Logger;
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** An already-open database (tests); otherwise opened from config. */
  database?: DatabaseHandle;
  kv?: KeyValueStore;
  log?: Logger;
  /** Start the worker and dispatcher (default true). */
  startPipeline?: boolean;
  /** Start the job scheduler (default: when enabled in config, except with an injected test database). */
  startScheduler?: boolean;
  now?: () => Date;
}

/** The one composition root: wires config, database, KV, pipeline, channels and server. */
export async function composeApp(config: Readonly<AppConfig>, opts: ComposeOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger({ level: config.server.logLevel });
  const database = opts.database ?? (await openDatabase(config.db));
  const closers: Array<() => Promise<void>> = [];
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
    if (!opts.database && config.seed.onEmpty && (await isDatabaseEmpty(database.db))) {
      log.info({ scale: config.seed.scale }, 'empty database: generating the K demo data');
      const summary = await seedDemoData(database.db, { scale: config.seed.scale });
      log.info({ counts: summary.counts, ms: summary.ms }, 'demo data loaded');
    }
    const kv = opts.kv ?? (await openKeyValueStore(config.kv));
    if (!opts.kv) closers.push(() => kv.close());

    // Built once; rebuilt when an import (here or on another instance) changed the products.
    const catalog = await LiveCatalog.open({
      products: () => loadCatalog(database.db),
      fingerprint: () => catalogFingerprint(database.db),
    });
    const bus = new PipelineBus();
    const wecom = config.wecom
      ? new WecomClient(
          {
            apiBase: config.wecom.apiBase,
            corpId: config.wecom.corpId,
            secret: config.wecom.secret,
            agentId: config.wecom.agentId,
            kfSecret: config.wecom.kfSecret,
            timeoutMs: config.wecom.timeoutMs,
          },
          { kv },
        )
      : null;
    const mp = config.mp
      ? new MpClient(
          {
            apiBase: config.mp.apiBase,
            appId: config.mp.appId,
            appSecret: config.mp.appSecret,
            timeoutMs: config.mp.timeoutMs,
          },
          { kv },
        )
      : null;

    const llm = config.llm
      ? createIntentLlm(
          {
            apiKey: config.llm.apiKey,
            baseUrl: config.llm.baseUrl,
            model: config.llm.model,
            timeoutMs: config.llm.timeoutMs,
          },
          promptsV1,
        )
      : null;
    // The services, built once: each turn binds them to its transaction; the API and jobs use the database.
    const settings = servicesSettings(config);
    const services = servicesFactory({
      settings,
      outboxQueued: () => bus.outboxQueued(),
    });
    // Files sent in chat: 微信客服 and WeCom media through the API client, sandbox files from the KV store.
    const sandboxMedia = config.sandbox ? new SandboxMedia(kv) : null;
    const step = createConversationStep({
      catalog: () => catalog.current(),
      handlers,
      media: onImage,
      files: chatFiles({
        fetch: channelFiles({ wecom, sandbox: sandboxMedia }),
        maxBytes: config.imports.offerMaxBytes,
      }),
      kv,
      fallback: llm ? llmFallback(llm, () => catalog.current()) : undefined,
    });
    const pipeline = pipelineUnitOfWork(database.db);
    const turns = turnsUnitOfWork(database.db, services);
    const dispatcher = new OutboxDispatcher(pipeline, bus, {
      kv,
      transports: wecom ? wecomTransports(wecom) : null,
      kf: wecom ? kfSend(wecom) : null,
      mp: mp ? mpSend(mp, config.mp?.cards?.thumbMediaId) : null,
      maxAttempts: config.pipeline.outboxMaxAttempts,
      texts: pipelineReplies,
      now: opts.now,
      log,
    });
    const worker = new InboundWorker(turns, step, bus, {
      concurrency: config.pipeline.workerConcurrency,
      turnsPerTransaction: config.pipeline.turnsPerTransaction,
      maxAttempts: config.pipeline.inboundMaxAttempts,
      now: opts.now,
      log,
      // Explanations may be worded by the model after the turn commits, only if every number in them is computed.
      rephraser: llm ? groundedRephraser((text, facts) => llm.rephrase(text, facts), MAX_MESSAGE_BYTES) : undefined,
      rephraseHoldMs: (config.llm?.timeoutMs ?? 0) + 2000,
      texts: pipelineReplies,
      // Replies due at once go to this instance's dispatcher claimed at birth, without a claim.
      handOff: dispatcher,
      mpCards: config.mp?.cards ?? null,
    });
    const now = opts.now ?? (() => new Date());
    const kf = wecom ? new KfPuller(pipeline, wecom, kv, bus, { log }) : null;
    // Channel routes: the sandbox (dev chat, loaded only when on) and the WeCom callback.
    const channels: Array<(app: FastifyInstance) => Promise<void>> = [];
    if (config.sandbox) {
      const { sandboxRoutes } = await import('./channels/sandbox/sandbox.routes.js');
      channels.push(async (app) => {
        // Next to a real channel the data is real: the sandbox then requires the admin token (config.ts refuses to
        // start without).
        const realChannel = config.wecom !== null || config.mp !== null;
        await app.register(sandboxRoutes, {
          stores: pipeline.root,
          bus,
          media: sandboxMedia ? { store: sandboxMedia, maxBytes: config.imports.offerMaxBytes } : undefined,
          guard: realChannel && config.server.adminToken ? requireAdminToken(config.server.adminToken) : undefined,
        });
      });
    }
    if (config.wecom) channels.push(wecomRoutes({ pipeline, bus, config: config.wecom, kf }));
    if (config.mp) channels.push(mpRoutes({ pipeline, bus, config: config.mp }));
    // The HQ console (/console): HQ signs in with ADMIN_TOKEN, account managers through WeCom web sign-in.
    const offers = importOfferReview(database.db, { now: opts.now, outboxQueued: () => bus.outboxQueued() });
    channels.push(
      consoleRoutes({
        services: services(database.db),
        importOffers: offers,
        kfBinding: new KfBindingCodes(kv),
        kv,
        now,
        adminToken: config.server.adminToken,
        sla: config.needs.sla,
        publicBaseUrl: config.server.publicBaseUrl,
        wecomOAuth:
          wecom && config.wecom
            ? {
                corpId: config.wecom.corpId,
                agentId: config.wecom.agentId,
                authorizeUrl: config.wecom.oauthUrl,
                userIdForCode: (code) => wecom.userIdForOAuthCode(code),
              }
            : null,
      }),
    );
    channels.push(statementLinkRoutes({ services: services(database.db), now }));
    channels.push(metricsRoutes({ services: services(database.db), adminToken: config.server.adminToken }));
    const server = await buildServer({
      config,
      ready: () => migrationsCurrent(database.db),
      logger: log,
      plugins: channels,
      adminApi: adminApi({
        services: services(database.db),
        now,
        imports: {
          store: importStore(database.db),
          importer: importService(database.db, { now: opts.now }),
          offers,
          maxBytes: config.imports.uploadMaxBytes,
        },
      }),
    });

    if (opts.startPipeline !== false) {
      // PGlite is single-process (locked): leases left by a crash can be taken back now rather than at expiry.
      if (database.kind === 'pglite') {
        await worker.releaseStaleLeases();
        await dispatcher.releaseStaleLeases();
      }
      worker.start();
      dispatcher.start();
      kf?.start();
      catalog.start(CATALOG_CHECK_MS, (e) => log.warn({ err: e.message }, 'catalog check failed'));
    }
    // The ERP jobs exist only with an ERP configured.
    const erp = erpSyncService(config, database.db, { now: opts.now });
    const scheduled = erp && config.erp ? [...jobs, ...erpJobs(erp, config.erp.syncEveryMin)] : jobs;
    const scheduler =
      config.scheduler.enabled && (opts.startScheduler ?? (config.env !== 'test' && !opts.database))
        ? new Scheduler(jobRuns(database.db), scheduled, {
            services: jobUnitOfWork(database.db, {
              notifier: (tx) => outboxNotifier(pipelineStores(tx), () => bus.outboxQueued()),
              settings,
            }),
            log,
            settings,
          })
        : null;
    scheduler?.start();

    let closed = false;
    return {
      config,
      database,
      kv,
      bus,
      worker,
      dispatcher,
      server,
      wecom,
      kf,
      llm,
      services,
      scheduler,
      log,
      async close() {
        if (closed) return;
        closed = true;
        // Stop taking work, finish what is in flight, then close the stores.
        await server.close();
        await scheduler?.stop();
        await kf?.stop();
        catalog.stop();
        await worker.stop();
        await dispatcher.stop();
        for (const c of closers.reverse()) await c();
        if (!opts.database) await database.close();
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => {});
    if (!opts.database) await database.close().catch(() => {});
    throw e;
  }
}

async function main(): Promise<void> {
  let config: Readonly<AppConfig>;
  try {
    config = loadConfigFromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger({ level: config.server.logLevel });
  log.info(
    {
      database: config.db.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.db.dataDir})`,
      kv: config.kv.kind === 'redis' ? 'Redis' : 'memory',
      nlu: config.llm ? `rules + LLM (${config.llm.model})` : 'rules',
      channel: [config.wecom ? 'WeCom' : null, config.mp ? 'mini-program' : null, config.sandbox ? 'sandbox' : null]
        .filter(Boolean)
        .join(' + '),
      adminApi: config.server.adminToken ? 'on' : 'off (set ADMIN_TOKEN to enable /api)',
    },
    'starting gongsheng',
  );
  let app: App;
  try {
    app = await composeApp(config, { log });
  } catch (e) {
    if (e instanceof DatabaseLockedError) {
      log.fatal(e.message);
      process.exit(1);
    }
    throw e;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await app.server.listen({ port: config.server.port, host: config.server.host });
  if (config.sandbox) log.info(`dev chat: http://localhost:${config.server.port}/dev/chat`);
  const warning = sandboxStartupWarning(config);
  if (warning) log.warn(warning);
}

/** What the sandbox exposes in production, said at start-up (null when it is off or only a development tool). */
export function sandboxStartupWarning(config: Readonly<AppConfig>): string | null {
  if (!config.sandbox || config.env !== 'production') return null;
  if (config.wecom || config.mp) {
    const channel = config.wecom ? 'WeCom' : 'the mini-program';
    return `the sandbox is on next to ${channel} in production: /sandbox shows real replies and people and speaks as any dealer or manager to anyone holding ADMIN_TOKEN — set SANDBOX=0 to close it`;
  }
  return 'the sandbox is on in production with no real channel configured: anyone reaching /sandbox can read every reply, list every dealer and manager and speak as any of them — set SANDBOX=0, or configure WECOM_* and ADMIN_TOKEN';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
