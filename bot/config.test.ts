import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing configured', () => {
    const c = loadConfig({});
    expect(c.db).toEqual({ kind: 'pglite', dataDir: './data/pg' });
    expect(c.kv).toEqual({ kind: 'memory' });
    expect(c.llm).toBeNull();
    expect(c.wecom).toBeNull();
    expect(c.sandbox).toBe(true);
    expect(c.server.port).toBe(3000);
    expect(Object.isFrozen(c.server)).toBe(true);
  });

  it('names up to 100 statements per PostgreSQL connection unless DB_PLAN_CACHE says otherwise (0: off)', () => {
    const url = 'postgres://u@h:5432/db';
    expect(loadConfig({ DATABASE_URL: url }).db).toMatchObject({ planCache: { maxPerConnection: 100 } });
    expect(loadConfig({ DATABASE_URL: url, DB_PLAN_CACHE: '8' }).db).toMatchObject({
      planCache: { maxPerConnection: 8 },
    });
    expect(loadConfig({ DATABASE_URL: url, DB_PLAN_CACHE: '0' }).db).toMatchObject({ planCache: false });
    expect(() => loadConfig({ DATABASE_URL: url, DB_PLAN_CACHE: '-1' })).toThrow(ConfigError);
  });

  it("sends a transaction's BEGIN with its first statement unless DB_PIPELINED_BEGIN=0", () => {
    const url = 'postgres://u@h:5432/db';
    expect(loadConfig({ DATABASE_URL: url }).db).toMatchObject({ pipelinedBegin: true });
    expect(loadConfig({ DATABASE_URL: url, DB_PIPELINED_BEGIN: '0' }).db).toMatchObject({ pipelinedBegin: false });
    expect(() => loadConfig({ DATABASE_URL: url, DB_PIPELINED_BEGIN: 'maybe' })).toThrow(ConfigError);
  });

  it('reports every bad key at once and stops boot', () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'nope',
        WECOM_AES_KEY: 'short',
        ADMIN_TOKEN: 'x',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'WECOM_AES_KEY', 'ADMIN_TOKEN'])
      expect(problems).toContain(key);
  });

  it('overrides need SLAs only with a well-formed table', () => {
    expect(loadConfig({ NEED_SLA: 'core=8/16' }).needs.sla.core).toEqual({ firstResponse: 8, resolution: 16 });
    expect(loadConfig({}).needs.sla.key).toEqual({ firstResponse: 24, resolution: 48 });
    expect(() => loadConfig({ NEED_SLA: 'core=fast' })).toThrow(/NEED_SLA/);
  });

  it('does not seed demo data into a production database unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).seed.onEmpty).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SEED_ON_EMPTY: '1' }).seed.onEmpty).toBe(true);
    expect(loadConfig({}).seed.onEmpty).toBe(true);
  });

  it('believes no proxy unless told, and takes the public origin as an origin only', () => {
    expect(loadConfig({}).server).toMatchObject({ trustProxy: false, publicBaseUrl: undefined });
    expect(loadConfig({ TRUST_PROXY: 'true' }).server.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'off' }).server.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).server.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).server.trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy' })).toThrow(/TRUST_PROXY: not an address or CIDR: my-proxy/);
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://gs.example.com/' }).server.publicBaseUrl).toBe(
      'https://gs.example.com',
    );
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://gs.example.com/console' })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://gs.example.com' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('requires the whole WeCom set once any of it is given', () => {
    expect(() => loadConfig({ WECOM_CORP_ID: 'ww1' })).toThrow(/WECOM_TOKEN: required/);
  });

  it('keeps the ERP sync off unless its four Kingdee settings are all given', () => {
    expect(loadConfig({}).erp).toBeNull();
    expect(() => loadConfig({ ERP_KINGDEE_URL: 'http://erp.local/k3cloud/' })).toThrow(
      /ERP_KINGDEE_ACCT_ID: required when any of them is set/,
    );
    const erp = loadConfig({
      ERP_KINGDEE_URL: 'http://erp.local/k3cloud/',
      ERP_KINGDEE_ACCT_ID: 'K01',
      ERP_KINGDEE_USERNAME: 'api',
      ERP_KINGDEE_PASSWORD: 'secret',
      ERP_OVERLAP_MIN: '5',
    }).erp;
    expect(erp).toMatchObject({ kingdee: { lcid: 2052 }, overlapMs: 300_000, syncEveryMin: 10, reconcileDays: 90 });
    expect(() => loadConfig({ ERP_SYNC_EVERY_MIN: '60' })).toThrow(/ERP_SYNC_EVERY_MIN/);
  });

  it('turns the sandbox off when WeCom is configured, unless asked for', () => {
    const wecom = {
      WECOM_CORP_ID: 'ww1436e0e65a779aee',
      WECOM_TOKEN: 'tok',
      WECOM_AES_KEY: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 'sec',
    };
    expect(loadConfig(wecom).sandbox).toBe(false);
    expect(loadConfig({ ...wecom, SANDBOX: '1', ADMIN_TOKEN: 'sandbox-admin-token-1' }).sandbox).toBe(true);
    // Next to WeCom the sandbox shows real data: not without the admin token guarding it.
    expect(() => loadConfig({ ...wecom, SANDBOX: '1' })).toThrow(/SANDBOX/);
    // One callback batch in flight unless asked (issue 14, 9e: two measured no faster on PostgreSQL).
    expect(loadConfig(wecom).wecom?.ingestBatches).toBe(1);
    expect(loadConfig({ ...wecom, WECOM_INGEST_BATCHES: '2' }).wecom?.ingestBatches).toBe(2);
    expect(() => loadConfig({ ...wecom, WECOM_INGEST_BATCHES: '0' })).toThrow(/WECOM_INGEST_BATCHES/);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d', REDIS_URL: 'redis://127.0.0.1:6379' }).db.kind).toBe(
      'postgres',
    );
  });

  it('reads booleans with z.stringbool: any case, on/off too; empty is false; anything else stops boot', () => {
    expect(loadConfig({ SCHEDULER_ENABLED: 'OFF' }).scheduler.enabled).toBe(false);
    expect(loadConfig({ SCHEDULER_ENABLED: '' }).scheduler.enabled).toBe(false);
    expect(loadConfig({}).scheduler.enabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', SEED_ON_EMPTY: 'Yes' }).seed.onEmpty).toBe(true);
    expect(loadConfig({ SANDBOX: ' no ' }).sandbox).toBe(false);
    expect(() => loadConfig({ SCHEDULER_ENABLED: 'maybe' })).toThrow(/SCHEDULER_ENABLED/);
  });
});

describe('LangSmith tracing', () => {
  // @langchain/core turns tracing on when one of these is "true"; nothing the project ships may set one.
  const TRACING = /LANG(?:SMITH|CHAIN)_TRACING(?:_V2)?\W{0,3}(?:=|:|\s)\W{0,3}true/i;
  const setsTracing = (text: string) => text.split('\n').some((l) => !l.trim().startsWith('#') && TRACING.test(l));
  it.each(['.env.example', 'Dockerfile', 'package.json', '.ci/run'])('is not switched on by %s', (file) => {
    expect(setsTracing(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))).toBe(false);
  });
  it('the check sees a planted switch', () => {
    expect(setsTracing('ENV LANGSMITH_TRACING=true')).toBe(true);
    expect(setsTracing('"start": "LANGCHAIN_TRACING_V2=true node x"')).toBe(true);
    expect(setsTracing('# LANGSMITH_TRACING=true enables it')).toBe(false);
  });

  it('CARE_OFFERS replaces the named offers and refuses a malformed one', () => {
    const offers = loadConfig({ CARE_OFFERS: 'birthday=800/6000/15' }).care.offers;
    expect(offers.birthday).toEqual({ amountFen: 80_000, minOrderFen: 600_000, validDays: 15 });
    expect(offers.anniversary).toEqual(loadConfig({}).care.offers.anniversary);
    for (const bad of [
      'birthday=800',
      'birthday=800/500/15',
      'birthday=0/500/15',
      'party=1/1/1',
      'birthday=1/2/3,birthday=1/2/3',
    ]) {
      expect(() => loadConfig({ CARE_OFFERS: bad }), bad).toThrow(/CARE_OFFERS/);
    }
  });

  it('.env.example documents every setting config.ts reads', () => {
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const keys = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !new RegExp(`^#\\s*${k}=`, 'm').test(example))).toEqual([]);
  });
});
