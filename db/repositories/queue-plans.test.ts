import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/db.js';
import type { DatabaseHandle } from '../connect.js';
import { planCachedPool } from '../plan-cache.js';
import type { Database } from '../schema.js';
import { KyselyInboundStore } from './inbound.repository.js';
import { KyselyOutboxStore } from './outbox.repository.js';

/**
 * The queues' statements under a backlog their statistics never saw — the usual case: autovacuum analysed the
 * tables while the queues were empty, then a burst or an outage filled them. Each per-row check must probe an index
 * (migration 0026); the plans that scanned every unfinished row for each candidate read candidates × backlog rows.
 * Counted from the executed plans themselves (auto_explain's analysed plans, sent to this client as notices),
 * generic plans as the plan cache runs them.
 */
const templates = inject('pgTemplates');
const SENDERS = 40;
const BACKLOG_PER_SENDER = 50;

/** Rows the plan's scans and joins read on `table`: returned or removed by a filter, over all loops. */
function rowsRead(plan: PlanNode, table: string): number {
  const own =
    plan['Relation Name'] === table
      ? ((plan['Actual Rows'] ?? 0) + (plan['Rows Removed by Filter'] ?? 0)) * (plan['Actual Loops'] ?? 1)
      : 0;
  const joined = (plan['Rows Removed by Join Filter'] ?? 0) * (plan['Actual Loops'] ?? 1);
  return own + joined + (plan.Plans ?? []).reduce((n, p) => n + rowsRead(p, table), 0);
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}

describe.skipIf(!templates)('queue statements with a backlog the statistics never saw (PostgreSQL)', () => {
  let handle: DatabaseHandle;
  let pool: pg.Pool;
  let db: Kysely<Database>;
  const plans: PlanNode[] = [];

  beforeAll(async () => {
    handle = await openTestDatabase();
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
    const url = new URL(templates!.url);
    url.pathname = `/${rows[0]!.name}`;
    // One connection, its statements named from the first use (as the plan cache names hot ones) and planned
    // generic, every executed plan sent back analysed.
    pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    pool.on('connect', (client) => {
      client.on('notice', (n) => {
        const text = n.message ?? '';
        const at = text.indexOf('{');
        if (text.startsWith('duration') && at >= 0) plans.push(JSON.parse(text.slice(at)).Plan as PlanNode);
      });
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: planCachedPool(pool, { minUses: 1 }) }) });

    // History, analysed with empty queues.
    await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content, status, processed_at)
      select 'wecom', 'old' || g, 'wecom:old' || g % 300, 'text', '你好', 'done', now()
      from generate_series(1, 5000) g`.execute(db);
    await sql`insert into outbox (dedupe_key, recipient, address, route, body, status, sent_at)
      select 'old' || g, 'D0001', 'old' || g % 300, 'wecom_app', '您好', 'sent', now()
      from generate_series(1, 5000) g`.execute(db);
    await sql`analyze inbound_messages`.execute(db);
    await sql`analyze outbox`.execute(db);
    // Then the backlog, interleaved across senders as it arrives.
    await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content)
      select 'wecom', 'new' || g, 'wecom:s' || g % ${SENDERS}::int, 'text', '在吗'
      from generate_series(1, ${SENDERS * BACKLOG_PER_SENDER}::int) g`.execute(db);
    await sql`insert into outbox (dedupe_key, recipient, address, route, body, next_attempt_at)
      select 'new' || g, 'D0001', 's' || g % ${SENDERS}::int, 'wecom_app', '您好', now() + interval '1 hour'
      from generate_series(1, ${SENDERS * BACKLOG_PER_SENDER}::int) g`.execute(db);
    for (const setting of [
      sql`load 'auto_explain'`,
      sql`set auto_explain.log_min_duration = 0`,
      sql`set auto_explain.log_analyze = on`,
      sql`set auto_explain.log_format = 'json'`,
      sql`set auto_explain.log_level = 'notice'`,
      sql`set plan_cache_mode = force_generic_plan`,
    ])
      await setting.execute(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await handle?.close();
  });

  /** The plans of what `run` executes, and the rows they read on `table`. */
  async function rowsReadBy(table: string, run: () => Promise<unknown>): Promise<number> {
    plans.length = 0;
    await run();
    // Notices arrive before the statement's answer; the last plans are the statement's.
    expect(plans.length).toBeGreaterThan(0);
    return plans.reduce((n, p) => n + rowsRead(p, table), 0);
  }

  const headsOf = async (senders: number[]) =>
    (
      await sql<{ id: string }>`
        select min(id) as id from inbound_messages
        where status = 'pending' and sender = any(${senders.map((s) => `wecom:s${s}`)}::text[])
        group by sender`.execute(db)
    ).rows.map((r) => Number(r.id));

  it('takes the heads of a batch probing each sender, not reading the backlog per head', async () => {
    const inbound = new KyselyInboundStore(db);
    const backlog = SENDERS * BACKLOG_PER_SENDER;
    // A first batch names the statement; the second is measured (the same generic plan).
    await inbound.take(await headsOf([0, 1, 2, 3]), [], new Date());
    const heads = await headsOf([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    let taken: ReadonlyMap<number, number> = new Map();
    let next: ReadonlyMap<number, number> = new Map();
    const read = await rowsReadBy('inbound_messages', async () => {
      ({ attempts: taken, next } = await inbound.take(heads, [], new Date()));
    });
    expect(taken.size).toBe(heads.length);
    // Each head's sender has its backlog behind it: the next one of each, found by the same probe.
    expect(next.size).toBe(heads.length);
    // A few rows per head (its row, the probe, the update); scanning the backlog per head read ~ heads × backlog.
    expect(read).toBeLessThan(heads.length * 10);
    expect(read).toBeLessThan(backlog);
  });

  it('takes the heads with their turns read ahead, probing each sender the same way', async () => {
    const backlog = SENDERS * BACKLOG_PER_SENDER;
    const ahead = (senders: number[]) => senders.map((s) => ({ sender: `wecom:s${s}` }));
    const takeInTransaction = (senders: number[], heads: number[]) =>
      db.transaction().execute((trx) => new KyselyInboundStore(trx).take(heads, [], new Date(), ahead(senders)));
    // A first batch names the statement; the second is measured (the same generic plan).
    await takeInTransaction([16, 17, 18, 19], await headsOf([16, 17, 18, 19]));
    const senders = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
    const heads = await headsOf(senders);
    let taken: ReadonlyMap<number, number> = new Map();
    const read = await rowsReadBy('inbound_messages', async () => {
      taken = (await takeInTransaction(senders, heads)).attempts;
    });
    expect(taken.size).toBe(heads.length);
    expect(read).toBeLessThan(heads.length * 10);
    expect(read).toBeLessThan(backlog);
  });

  it('finds a later message not its sender’s head with one probe', async () => {
    const inbound = new KyselyInboundStore(db);
    const { rows } = await sql<{ id: string }>`
      select max(id) as id from inbound_messages where status = 'pending' group by sender`.execute(db);
    const tails = rows.map((r) => Number(r.id));
    const read = await rowsReadBy('inbound_messages', () => inbound.takeable(tails, new Date()));
    expect(read).toBeLessThan(tails.length * 10);
  });

  it("looks up senders' heads after a commit with one probe each (the follow), not their backlogs", async () => {
    const inbound = new KyselyInboundStore(db);
    const senders = Array.from({ length: 8 }, (_, i) => `wecom:s${i + 32}`);
    // The first call names the statement; the second is measured (the same generic plan).
    await inbound.heads(senders.slice(0, 4), [], new Date());
    let found = 0;
    const read = await rowsReadBy('inbound_messages', async () => {
      found = (await inbound.heads(senders, [], new Date())).length;
    });
    expect(found).toBe(senders.length);
    expect(read).toBeLessThan(senders.length * 10);
  });

  it('the poll claim reads each waiting row once, not the backlog per row', async () => {
    const inbound = new KyselyInboundStore(db);
    const now = new Date();
    let claimed = 0;
    const read = await rowsReadBy('inbound_messages', async () => {
      claimed = (await inbound.claim(now, new Date(now.getTime() + 30_000), SENDERS)).length;
    });
    expect(claimed).toBeGreaterThan(0);
    // It walks the waiting rows in id order until it has its heads: each row read once plus one probe each.
    expect(read).toBeLessThan(SENDERS * BACKLOG_PER_SENDER * 3);
  });

  it('the dispatcher claim reads each due reply a bounded number of times, not the unsent replies per row', async () => {
    const outbox = new KyselyOutboxStore(db);
    // The backlog comes due (an outage over): every recipient's replies at once.
    await sql`update outbox set next_attempt_at = now() - interval '1 second' where dedupe_key like 'new%'`.execute(db);
    const now = new Date();
    let claimed = 0;
    const read = await rowsReadBy('outbox', async () => {
      claimed = (await outbox.claim(now, new Date(now.getTime() + 60_000), 50, 5)).length;
    });
    expect(claimed).toBeGreaterThan(0);
    expect(read).toBeLessThan(SENDERS * BACKLOG_PER_SENDER * 3);
  });

  it('inserts replies claimed at birth probing each recipient, not reading the unsent replies per row', async () => {
    const outbox = new KyselyOutboxStore(db);
    const now = new Date();
    const reply = (i: number) => ({
      dedupeKey: `reply:${i}`,
      recipient: 'D0001',
      address: i % 2 === 0 ? `fresh${i}` : `s${i % SENDERS}`,
      route: 'wecom_app' as const,
      body: '好的',
      format: 'text' as const,
      kind: 'reply',
      inReplyTo: null,
      notBefore: now,
      claimable: true,
    });
    await outbox.enqueueClaiming([reply(1000), reply(1001)], {
      now,
      until: new Date(now.getTime() + 60_000),
      held: [],
    });
    const rows = Array.from({ length: 20 }, (_, i) => reply(i));
    let inserted: { status: string; address: string }[] = [];
    const read = await rowsReadBy('outbox', async () => {
      inserted = await outbox.enqueueClaiming(rows, { now, until: new Date(now.getTime() + 60_000), held: [] });
    });
    // Recipients with unsent replies wait behind them; the others are claimed at birth.
    expect(inserted.filter((r) => r.status === 'sending').map((r) => r.address)).toEqual(
      rows.filter((_, i) => i % 2 === 0).map((r) => r.address),
    );
    expect(read).toBeLessThan(rows.length * 10);
  });
});
