import { z } from 'zod';
import { CARE_OFFERS, type CareOffers, parseCareOffers } from '../core/care/offers.js';
import { DEFAULT_OUTBOX_RETENTION_DAYS, MIN_OUTBOX_RETENTION_DAYS } from '../core/scheduling/ports.js';
import { BUSINESS_TIME_ZONE } from '../core/common/time.js';
import { type CadenceTable, DEFAULT_CADENCE, parseCadence } from '../core/contacts/cadence.js';
import { DEFAULT_SLA, parseSlaOverride, type SlaTable } from '../core/needs/sla.js';

/**
 * The only place that reads the environment (through `loadConfig(process.env)` in main.ts and cli.ts).
 * Pure: the same env gives the same frozen config; every bad key is reported at once.
 */

// 1/true/yes/on/y/enabled and 0/false/no/off/n/disabled, any case; an empty value (`KEY=`) is false, as it always was.
const bool = z.stringbool({ falsy: ['false', '0', 'no', 'off', 'n', 'disabled', ''] });
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Which proxies' X-Forwarded-For/-Proto/-Host to believe (fastify's `trustProxy`): off by default, so a client cannot
 * pick its own address (the sign-in limit is per address) or the OAuth redirect's host. `true` trusts every hop,
 * a number that many hops, otherwise a comma-separated list of addresses or CIDRs (`127.0.0.1,10.0.0.0/8`).
 */
const ADDRESS_OR_CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(?:\/\d{1,3})?$/i;
const trustProxy = optionalString.transform((v, ctx): boolean | number | string[] => {
  if (v === undefined || /^(false|0|no|off)$/i.test(v)) return false;
  if (/^(true|yes|on)$/i.test(v)) return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim());
  const bad = list.filter((a) => !ADDRESS_OR_CIDR.test(a));
  if (bad.length) ctx.addIssue({ code: 'custom', message: `not an address or CIDR: ${bad.join(', ')}` });
  return list;
});
/**
 * The public origin this server is reached at (`https://gs.example.com`): the WeCom sign-in comes back to it and
 * links in messages (printable statements) start with it. Origin only; unset: built from the request / relative.
 */
const publicBaseUrl = optionalString.pipe(
  z
    .url({ protocol: /^https?$/ })
    .refine((v) => {
      const u = new URL(v);
      return u.pathname === '/' && !u.search && !u.hash && !u.username;
    }, 'must be an origin only, e.g. https://gs.example.com')
    .transform((v) => new URL(v).origin)
    .optional(),
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TRUST_PROXY: trustProxy,
  PUBLIC_BASE_URL: publicBaseUrl,

  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  PGLITE_DIR: z.string().default('./data/pg'),
  /** Enough for the worker's parallel transactions (WORKER_CONCURRENCY / WORKER_TURNS_PER_TRANSACTION) and the rest. */
  DB_POOL_SIZE: int(1, 100).default(20),
  /** Named prepared statements per PostgreSQL connection (db/plan-cache.ts); 0 sends every statement unnamed. */
  DB_PLAN_CACHE: int(0, 1000).default(100),
  /**
   * A transaction's BEGIN written with its first statement, and COMMIT with its last (`commitWith`)
   * (db/pipelined-begin.ts); 0 sends both alone.
   */
  DB_PIPELINED_BEGIN: bool.default(true),
  /** Default: on, except in production (an empty production database must not fill with made-up dealers). */
  SEED_ON_EMPTY: bool.optional(),
  SEED_SCALE: z.coerce.number().positive().max(20).default(1),

  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: int(100, 60_000).default(4000),

  SANDBOX: optionalString.pipe(bool.optional()),
  WECOM_CORP_ID: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_AES_KEY: optionalString.pipe(z.string().length(43, 'must be the 43-character EncodingAESKey').optional()),
  WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional()),
  WECOM_SECRET: optionalString,
  WECOM_KF_SECRET: optionalString,
  WECOM_API_BASE: z.url({ protocol: /^https?$/ }).default('https://qyapi.weixin.qq.com'),
  /** Where WeCom web sign-in (网页授权) starts, for account managers signing in to the console. */
  WECOM_OAUTH_URL: z.url({ protocol: /^https?$/ }).default('https://open.weixin.qq.com/connect/oauth2/authorize'),
  WECOM_MAX_SKEW_SEC: int(10, 86_400).default(300),
  WECOM_TIMEOUT_MS: int(100, 60_000).default(5000),
  /** Callback batches written at once (group commit); see bot/channels/inbound.batcher.ts. */
  WECOM_INGEST_BATCHES: int(1, 8).default(1),

  /** Messages in flight in the inbound worker (each the oldest unfinished one of its sender). */
  WORKER_CONCURRENCY: int(1, 256).default(64),
  /** Claimed messages of different senders sharing one transaction (savepoints once a turn fails): fewer commits. */
  WORKER_TURNS_PER_TRANSACTION: int(1, 60).default(32),
  INBOUND_MAX_ATTEMPTS: int(1, 50).default(5),
  OUTBOX_MAX_ATTEMPTS: int(1, 50).default(8),
  OUTBOX_RETENTION_DAYS: int(MIN_OUTBOX_RETENTION_DAYS, 3650).default(DEFAULT_OUTBOX_RETENTION_DAYS),
  SCHEDULER_ENABLED: bool.default(true),
  NEED_SLA: optionalString,
  CONTACT_CADENCE: optionalString,
  CARE_OFFERS: optionalString,

  IMPORT_MAX_MB: int(1, 10_240).default(200),
  /** The largest file a manager may send in chat as an import offer (WeCom's own file limit is 20 MB). */
  IMPORT_OFFER_MAX_MB: int(1, 20).default(10),

  /** HMAC secret of printable statement links; unset: a random one per process (links die with a restart). */
  STATEMENT_LINK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  STATEMENT_LINK_TTL_HOURS: int(1, 24 * 90).default(72),

  ERP_KINGDEE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  ERP_KINGDEE_ACCT_ID: optionalString,
  ERP_KINGDEE_USERNAME: optionalString,
  ERP_KINGDEE_PASSWORD: optionalString,
  ERP_KINGDEE_APP_ID: optionalString,
  ERP_KINGDEE_APP_SECRET: optionalString,
  ERP_KINGDEE_ORG_NUM: optionalString,
  ERP_KINGDEE_LCID: int(1, 99_999).default(2052),
  ERP_KINGDEE_MAPPING: optionalString,
  ERP_PAGE_SIZE: int(1, 10_000).default(2000),
  ERP_TIMEOUT_MS: int(100, 600_000).default(30_000),
  ERP_RETRIES: int(0, 10).default(2),
  ERP_RETRY_DELAY_MS: int(0, 60_000).default(1000),
  ERP_SYNC_EVERY_MIN: int(1, 59).default(10),
  ERP_OVERLAP_MIN: int(0, 1440).default(10),
  ERP_RECONCILE_DAYS: int(1, 3650).default(90),

  MP_APP_ID: optionalString,
  MP_APP_SECRET: optionalString,
  MP_TOKEN: optionalString,
  MP_AES_KEY: optionalString.pipe(z.string().length(43, 'must be the 43-character EncodingAESKey').optional()),
  /** The mini-program's 消息加密方式; default safe with MP_AES_KEY, else plain. */
  MP_MODE: z.enum(['plain', 'compatible', 'safe']).optional(),
  MP_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.weixin.qq.com'),
  MP_TIMEOUT_MS: int(100, 60_000).default(5000),
  /** A permanent image media id: with it, replies about an order or a statement are followed by a card opening it. */
  MP_CARD_THUMB_MEDIA_ID: optionalString,
  MP_ORDER_PAGE: z.string().default('pages/order/detail'),
  MP_STATEMENT_PAGE: z.string().default('pages/statement/index'),
});

const WECOM_REQUIRED = ['WECOM_CORP_ID', 'WECOM_TOKEN', 'WECOM_AES_KEY', 'WECOM_AGENT_ID', 'WECOM_SECRET'] as const;
const MP_REQUIRED = ['MP_APP_ID', 'MP_APP_SECRET', 'MP_TOKEN'] as const;
const KINGDEE_REQUIRED = ['ERP_KINGDEE_URL', 'ERP_KINGDEE_ACCT_ID', 'ERP_KINGDEE_USERNAME'] as const;
/** The login: a password (ValidateUser) or an app id and secret (signed headers), exactly one of the two. */
const KINGDEE_CREDENTIALS = ['ERP_KINGDEE_PASSWORD', 'ERP_KINGDEE_APP_ID', 'ERP_KINGDEE_APP_SECRET'] as const;

type Env = z.infer<typeof envSchema>;

/** Exactly one login: ERP_KINGDEE_PASSWORD, or ERP_KINGDEE_APP_ID with ERP_KINGDEE_APP_SECRET. */
function kingdeeLoginProblems(e: Env): string[] {
  const signed = e.ERP_KINGDEE_APP_ID !== undefined || e.ERP_KINGDEE_APP_SECRET !== undefined;
  if (e.ERP_KINGDEE_PASSWORD !== undefined && signed) {
    return [
      'ERP_KINGDEE_PASSWORD: set it (ValidateUser login) or ERP_KINGDEE_APP_ID + ERP_KINGDEE_APP_SECRET, not both',
    ];
  }
  if (!signed) {
    return e.ERP_KINGDEE_PASSWORD === undefined
      ? ['ERP_KINGDEE_PASSWORD: required (or ERP_KINGDEE_APP_ID + ERP_KINGDEE_APP_SECRET for the signed-header login)']
      : [];
  }
  const problems: string[] = [];
  if (e.ERP_KINGDEE_APP_ID === undefined) problems.push('ERP_KINGDEE_APP_ID: required with ERP_KINGDEE_APP_SECRET');
  if (e.ERP_KINGDEE_APP_SECRET === undefined) problems.push('ERP_KINGDEE_APP_SECRET: required with ERP_KINGDEE_APP_ID');
  // A gateway app id is `<client id>_<24 bytes in base64>`; a bare id (no gateway) is taken as it is.
  if (e.ERP_KINGDEE_APP_ID?.includes('_') && !/^[^_]+_[A-Za-z0-9+/]{32}$/.test(e.ERP_KINGDEE_APP_ID)) {
    problems.push('ERP_KINGDEE_APP_ID: expected "<client id>_<32 characters>" as K/3 Cloud issues it');
  }
  return problems;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  server: {
    port: number;
    host: string;
    logLevel: string;
    adminToken: string | undefined;
    /** fastify's `trustProxy`: false, true, a hop count or the proxies' addresses/CIDRs. */
    trustProxy: boolean | number | string[];
    /** The public origin (no trailing slash) links leaving the server are built on; derived per request if unset. */
    publicBaseUrl: string | undefined;
  };
  db:
    | {
        kind: 'postgres';
        url: string;
        poolSize: number;
        planCache: { maxPerConnection: number } | false;
        pipelinedBegin: boolean;
      }
    | { kind: 'pglite'; dataDir: string };
  seed: { onEmpty: boolean; scale: number };
  kv: { kind: 'redis'; url: string } | { kind: 'memory' };
  llm: { apiKey: string; baseUrl: string | undefined; model: string; timeoutMs: number } | null;
  wecom: {
    corpId: string;
    token: string;
    aesKey: string;
    agentId: string;
    secret: string;
    kfSecret: string | undefined;
    apiBase: string;
    oauthUrl: string;
    maxSkewSec: number;
    timeoutMs: number;
    /** Callback batches written at once (WECOM_INGEST_BATCHES). */
    ingestBatches: number;
  } | null;
  sandbox: boolean;
  pipeline: {
    workerConcurrency: number;
    turnsPerTransaction: number;
    inboundMaxAttempts: number;
    outboxMaxAttempts: number;
  };
  /** `outboxRetentionDays`: sent and dead outbox rows older than this are pruned daily (outbox.prune). */
  scheduler: { enabled: boolean; timezone: typeof BUSINESS_TIME_ZONE; outboxRetentionDays: number };
  /** Hours to first response / resolution by tier (NEED_SLA overrides K's defaults). */
  needs: { sla: SlaTable };
  /** Printable statement links: HMAC secret (undefined: random per process), lifetime, public address. */
  statements: { linkSecret: string | undefined; linkTtlHours: number; publicBaseUrl: string | undefined };
  /** The vouchers birthday and anniversary greetings carry (CARE_OFFERS overrides K's defaults). */
  care: { offers: CareOffers };
  /** Days between an account manager's one-to-one contacts, by tier (CONTACT_CADENCE overrides K's defaults). */
  contacts: { cadence: CadenceTable };
  /**
   * `uploadMaxBytes`: the largest file `POST /api/imports/:entity` accepts (413 beyond); `offerMaxBytes`: the largest
   * file sent in chat that is read as an import offer.
   */
  imports: { uploadMaxBytes: number; offerMaxBytes: number };
  /** The Kingdee K/3 Cloud sync (adapters/erp); null (off) unless its four required settings are set. */
  erp: {
    kingdee: {
      baseUrl: string;
      acctId: string;
      username: string;
      lcid: number;
      /** ValidateUser, or the signed headers of adapters/erp/kingdee/kingdee.signing.ts. */
      auth:
        | { kind: 'password'; password: string }
        | { kind: 'signed'; appId: string; appSecret: string; orgNum: string };
    };
    /** A JSON field mapping replacing the default (adapters/erp/kingdee/kingdee.mapping.ts). */
    mappingPath: string | undefined;
    pageSize: number;
    timeoutMs: number;
    retries: number;
    retryDelayMs: number;
    /** The `erp.sync` job's interval in minutes. */
    syncEveryMin: number;
    overlapMs: number;
    reconcileDays: number;
  } | null;
  /** The mini-program customer-service channel (小程序客服消息); null (off) unless MP_APP_ID/SECRET/TOKEN are set. */
  mp: {
    appId: string;
    appSecret: string;
    token: string;
    aesKey: string | undefined;
    mode: 'plain' | 'compatible' | 'safe';
    apiBase: string;
    maxSkewSec: number;
    timeoutMs: number;
    /** Cards opening the order and statement pages (null without a thumbnail). */
    cards: { thumbMediaId: string; orderPage: string; statementPage: string } | null;
  } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<AppConfig> {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
  if (!parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  const wecomSet = WECOM_REQUIRED.filter((k) => e[k] !== undefined);
  if (wecomSet.length > 0 && wecomSet.length < WECOM_REQUIRED.length) {
    for (const k of WECOM_REQUIRED) if (e[k] === undefined) problems.push(`${k}: required when any WECOM_* is set`);
  }
  const kingdeeSet = [...KINGDEE_REQUIRED, ...KINGDEE_CREDENTIALS].filter((k) => e[k] !== undefined);
  const kingdeeOn = kingdeeSet.length > 0;
  if (kingdeeOn) {
    for (const k of KINGDEE_REQUIRED) if (e[k] === undefined) problems.push(`${k}: required when any of them is set`);
    problems.push(...kingdeeLoginProblems(e));
  }
  const mpSet = MP_REQUIRED.filter((k) => e[k] !== undefined);
  if (mpSet.length > 0 && mpSet.length < MP_REQUIRED.length) {
    for (const k of MP_REQUIRED) if (e[k] === undefined) problems.push(`${k}: required when any MP_* is set`);
  }
  const mpMode = e.MP_MODE ?? (e.MP_AES_KEY ? 'safe' : 'plain');
  if (mpSet.length > 0 && mpMode !== 'plain' && !e.MP_AES_KEY) {
    problems.push(`MP_AES_KEY: required in ${mpMode} mode`);
  }
  const sla = e.NEED_SLA ? parseSlaOverride(e.NEED_SLA) : DEFAULT_SLA;
  if (!sla) problems.push('NEED_SLA: expected e.g. "core=12/24,key=24/48" (hours to first response/resolution)');
  const cadence = e.CONTACT_CADENCE ? parseCadence(e.CONTACT_CADENCE) : DEFAULT_CADENCE;
  if (!cadence) problems.push('CONTACT_CADENCE: expected e.g. "core=7,key=14,regular=14" (days, 1–90)');
  const offers = e.CARE_OFFERS ? parseCareOffers(e.CARE_OFFERS) : CARE_OFFERS;
  if (!offers) {
    problems.push(
      'CARE_OFFERS: expected e.g. "birthday=500/5000/30,anniversary=1000/10000/30" (voucher ¥ / minimum order ¥ / days valid)',
    );
  }
  // Next to WeCom the sandbox shows real replies and people and speaks as anyone: only behind the admin token.
  const realChannel = wecomSet.length === WECOM_REQUIRED.length || mpSet.length === MP_REQUIRED.length;
  if (e.SANDBOX && realChannel && !e.ADMIN_TOKEN) {
    problems.push(
      'SANDBOX: with WeCom or the mini-program configured the sandbox exposes real data; set ADMIN_TOKEN (it guards /sandbox)',
    );
  }
  if (problems.length) throw new ConfigError(problems);

  const wecom =
    wecomSet.length === WECOM_REQUIRED.length
      ? {
          corpId: e.WECOM_CORP_ID!,
          token: e.WECOM_TOKEN!,
          aesKey: e.WECOM_AES_KEY!,
          agentId: e.WECOM_AGENT_ID!,
          secret: e.WECOM_SECRET!,
          kfSecret: e.WECOM_KF_SECRET,
          apiBase: e.WECOM_API_BASE,
          oauthUrl: e.WECOM_OAUTH_URL,
          maxSkewSec: e.WECOM_MAX_SKEW_SEC,
          timeoutMs: e.WECOM_TIMEOUT_MS,
          ingestBatches: e.WECOM_INGEST_BATCHES,
        }
      : null;

  const mp =
    mpSet.length === MP_REQUIRED.length
      ? {
          appId: e.MP_APP_ID!,
          appSecret: e.MP_APP_SECRET!,
          token: e.MP_TOKEN!,
          aesKey: e.MP_AES_KEY,
          mode: mpMode,
          apiBase: e.MP_API_BASE,
          maxSkewSec: e.WECOM_MAX_SKEW_SEC,
          timeoutMs: e.MP_TIMEOUT_MS,
          cards: e.MP_CARD_THUMB_MEDIA_ID
            ? { thumbMediaId: e.MP_CARD_THUMB_MEDIA_ID, orderPage: e.MP_ORDER_PAGE, statementPage: e.MP_STATEMENT_PAGE }
            : null,
        }
      : null;

  return deepFreeze({
    env: e.NODE_ENV,
    server: {
      port: e.PORT,
      host: e.HOST,
      logLevel: e.LOG_LEVEL,
      adminToken: e.ADMIN_TOKEN,
      trustProxy: e.TRUST_PROXY,
      publicBaseUrl: e.PUBLIC_BASE_URL,
    },
    db: e.DATABASE_URL
      ? {
          kind: 'postgres' as const,
          url: e.DATABASE_URL,
          poolSize: e.DB_POOL_SIZE,
          planCache: e.DB_PLAN_CACHE === 0 ? (false as const) : { maxPerConnection: e.DB_PLAN_CACHE },
          pipelinedBegin: e.DB_PIPELINED_BEGIN,
        }
      : { kind: 'pglite' as const, dataDir: e.PGLITE_DIR },
    seed: { onEmpty: e.SEED_ON_EMPTY ?? e.NODE_ENV !== 'production', scale: e.SEED_SCALE },
    kv: e.REDIS_URL ? { kind: 'redis' as const, url: e.REDIS_URL } : { kind: 'memory' as const },
    llm: e.OPENAI_API_KEY
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
      : null,
    wecom,
    // The sandbox is on when asked for, or when there is no real channel to talk to; never otherwise.
    sandbox: e.SANDBOX ?? !realChannel,
    pipeline: {
      workerConcurrency: e.WORKER_CONCURRENCY,
      turnsPerTransaction: e.WORKER_TURNS_PER_TRANSACTION,
      inboundMaxAttempts: e.INBOUND_MAX_ATTEMPTS,
      outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    },
    scheduler: {
      enabled: e.SCHEDULER_ENABLED,
      timezone: BUSINESS_TIME_ZONE,
      outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    needs: { sla: sla! },
    statements: {
      linkSecret: e.STATEMENT_LINK_SECRET,
      linkTtlHours: e.STATEMENT_LINK_TTL_HOURS,
      publicBaseUrl: e.PUBLIC_BASE_URL,
    },
    care: { offers: offers! },
    contacts: { cadence: cadence! },
    imports: { uploadMaxBytes: e.IMPORT_MAX_MB * 1024 * 1024, offerMaxBytes: e.IMPORT_OFFER_MAX_MB * 1024 * 1024 },
    erp: kingdeeOn
      ? {
          kingdee: {
            baseUrl: e.ERP_KINGDEE_URL!,
            acctId: e.ERP_KINGDEE_ACCT_ID!,
            username: e.ERP_KINGDEE_USERNAME!,
            lcid: e.ERP_KINGDEE_LCID,
            auth: e.ERP_KINGDEE_PASSWORD
              ? { kind: 'password' as const, password: e.ERP_KINGDEE_PASSWORD }
              : {
                  kind: 'signed' as const,
                  appId: e.ERP_KINGDEE_APP_ID!,
                  appSecret: e.ERP_KINGDEE_APP_SECRET!,
                  orgNum: e.ERP_KINGDEE_ORG_NUM ?? '0',
                },
          },
          mappingPath: e.ERP_KINGDEE_MAPPING,
          pageSize: e.ERP_PAGE_SIZE,
          timeoutMs: e.ERP_TIMEOUT_MS,
          retries: e.ERP_RETRIES,
          retryDelayMs: e.ERP_RETRY_DELAY_MS,
          syncEveryMin: e.ERP_SYNC_EVERY_MIN,
          overlapMs: e.ERP_OVERLAP_MIN * 60_000,
          reconcileDays: e.ERP_RECONCILE_DAYS,
        }
      : null,
    mp,
  });
}

/** The process's configuration: the one read of the environment (main.ts and cli.ts). */
export function loadConfigFromProcess(): Readonly<AppConfig> {
  return loadConfig(process.env);
}
