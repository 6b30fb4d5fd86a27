import { pathToFileURL } from 'node:url';
import pino, {} from 'pino';
import { openKeyValueStore } from '../adapters/kv/index.js';
import { WecomClient } from '../adapters/wecom/wecom.client.js';
import { DatabaseLockedError, migrateToLatest, openDatabase } from '../db/connect.js';
import { loadCatalog } from '../db/repositories/catalog.repository.js';
import { isDatabaseEmpty, seedDemoData } from '../db/seed/k-demo.js';
import { ConfigError, loadConfigFromProcess } from './config.js';
import { createConversationStep } from './dialog/engine.js';
import { handlers } from './handlers/index.js';
import { CatalogMatcher } from './nlu/catalog.matcher.js';
import { llmFallback } from './nlu/llm.fallback.js';
import { createIntentLlm } from '../adapters/llm/llm.client.js';
import { promptsV1 } from '../prompts/index.js';
import { PipelineBus } from './pipeline/bus.js';
import { OutboxDispatcher } from './pipeline/dispatcher.js';
import { kfSend, wecomTransports } from './pipeline/transports.js';
import { InboundWorker } from './pipeline/worker.js';
import { buildServer } from './server.js';
import { groundedRephraser } from './replies/rephrase.js';
import { adminApi } from './api/index.js';
import { KfPuller } from './channels/wecom/kf.puller.js';
import { outboxNotifier } from './pipeline/outbox.js';
import { jobs } from './scheduler/jobs/index.js';
import { Scheduler } from './scheduler/scheduler.js';
import { wecomRoutes } from './channels/wecom/wecom.routes.js';
/** The one composition root: wires config, database, KV, pipeline, channels and server. */
export async function composeApp(config, opts = {}) {
    const log = opts.log ?? pino({ level: config.server.logLevel, base: { app: 'gongsheng' } });
    const database = opts.database ?? (await openDatabase(config.db));
    const closers = [];
    try {
        const applied = await migrateToLatest(database.db);
        if (applied.length)
            log.info({ migrations: applied }, 'migrations applied');
        if (!opts.database && config.seed.onEmpty && (await isDatabaseEmpty(database.db))) {
            log.info({ scale: config.seed.scale }, 'empty database: generating the K demo data');
            const summary = await seedDemoData(database.db, { scale: config.seed.scale });
            log.info({ counts: summary.counts, ms: summary.ms }, 'demo data loaded');
        }
        const kv = opts.kv ?? (await openKeyValueStore(config.kv));
        if (!opts.kv)
            closers.push(() => kv.close());
        const catalog = new CatalogMatcher(await loadCatalog(database.db));
        const bus = new PipelineBus();
        const wecom = config.wecom
            ? new WecomClient({
                apiBase: config.wecom.apiBase,
                corpId: config.wecom.corpId,
                secret: config.wecom.secret,
                agentId: config.wecom.agentId,
                kfSecret: config.wecom.kfSecret,
                timeoutMs: config.wecom.timeoutMs,
            }, { kv })
            : null;
        const llm = config.llm
            ? createIntentLlm({
                apiKey: config.llm.apiKey,
                baseUrl: config.llm.baseUrl,
                model: config.llm.model,
                timeoutMs: config.llm.timeoutMs,
            }, promptsV1)
            : null;
        const step = createConversationStep({
            catalog: () => catalog,
            handlers,
            kv,
            fallback: llm ? llmFallback(llm, () => catalog) : undefined,
            settings: { needSla: config.needs.sla },
        });
        const worker = new InboundWorker(database.db, step, bus, {
            concurrency: config.pipeline.workerConcurrency,
            maxAttempts: config.pipeline.inboundMaxAttempts,
            now: opts.now,
            log,
            // Explanations may be worded by the model after the turn commits, only if every number in them is computed.
            rephraser: llm ? groundedRephraser((text, facts) => llm.rephrase(text, facts)) : undefined,
            rephraseHoldMs: (config.llm?.timeoutMs ?? 0) + 2000,
        });
        const dispatcher = new OutboxDispatcher(database.db, bus, {
            kv,
            transports: wecom ? wecomTransports(wecom) : null,
            kf: wecom ? kfSend(wecom) : null,
            maxAttempts: config.pipeline.outboxMaxAttempts,
            now: opts.now,
            log,
        });
        const now = opts.now ?? (() => new Date());
        const kf = wecom ? new KfPuller(database.db, wecom, kv, bus, { log }) : null;
        const server = await buildServer({
            config,
            db: database.db,
            bus,
            logger: log,
            plugins: config.wecom ? [wecomRoutes({ db: database.db, bus, config: config.wecom, kf })] : [],
            adminApi: adminApi({ db: database.db, kv, bus, now, settings: { needSla: config.needs.sla } }),
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
        }
        const scheduler = config.scheduler.enabled && (opts.startScheduler ?? (config.env !== 'test' && !opts.database))
            ? new Scheduler(database.db, jobs, {
                kv,
                notifier: (db) => outboxNotifier(db, () => bus.outboxQueued()),
                log,
                settings: { needSla: config.needs.sla },
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
            scheduler,
            log,
            async close() {
                if (closed)
                    return;
                closed = true;
                // Stop taking work, finish what is in flight, then close the stores.
                await server.close();
                await scheduler?.stop();
                await kf?.stop();
                await worker.stop();
                await dispatcher.stop();
                for (const c of closers.reverse())
                    await c();
                if (!opts.database)
                    await database.close();
            },
        };
    }
    catch (e) {
        for (const c of closers.reverse())
            await c().catch(() => { });
        if (!opts.database)
            await database.close().catch(() => { });
        throw e;
    }
}
async function main() {
    let config;
    try {
        config = loadConfigFromProcess();
    }
    catch (e) {
        if (e instanceof ConfigError) {
            console.error(e.message);
            process.exit(1);
        }
        throw e;
    }
    const log = pino({ level: config.server.logLevel, base: { app: 'gongsheng' } });
    log.info({
        database: config.db.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.db.dataDir})`,
        kv: config.kv.kind === 'redis' ? 'Redis' : 'memory',
        nlu: config.llm ? `rules + LLM (${config.llm.model})` : 'rules',
        channel: [config.wecom ? 'WeCom' : null, config.sandbox ? 'sandbox' : null].filter(Boolean).join(' + '),
        adminApi: config.server.adminToken ? 'on' : 'off (set ADMIN_TOKEN to enable /api)',
    }, 'starting gongsheng');
    let app;
    try {
        app = await composeApp(config, { log });
    }
    catch (e) {
        if (e instanceof DatabaseLockedError) {
            log.fatal(e.message);
            process.exit(1);
        }
        throw e;
    }
    let stopping = false;
    const stop = async (signal) => {
        if (stopping)
            return;
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
    if (config.sandbox)
        log.info(`dev chat: http://localhost:${config.server.port}/dev/chat`);
    if (config.sandbox && config.env === 'production') {
        log.warn('the sandbox is on in production: anyone reaching /sandbox can speak as any dealer — configure WeCom');
    }
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
//# sourceMappingURL=main.js.map