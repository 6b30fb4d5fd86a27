/**
 * A simulated week of needs (not a test): on a fresh seeded database, 200 needs arrive over seven days, account
 * managers claim and resolve them after log-normal delays by tier (some late), dealers rate, low ratings reopen,
 * and the SLA job runs every 5 simulated minutes. Prints the needs report for the week.
 *
 *   npx tsx bench/needs-week.sim.ts [--needs 200] [--scale 0.2] [--seed 7]
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { dbNotifier } from '../test/helpers/pipeline.js';
import { formatNeedsReport } from '../bot/replies/needs.replies.js';
import { slotOf } from '../bot/scheduler/job-runner.js';
import { runJobOn } from '../test/helpers/jobs.js';
import { needsSlaJob } from '../bot/scheduler/jobs/needs-sla.job.js';
import { NeedsService } from '../core/needs/needs.service.js';
import { NEED_CATEGORIES, type Tier } from '../core/needs/needs.types.js';
import { shanghaiDate } from '../core/common/time.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { NeedsRepository, needsReport } from '../db/repositories/needs.repository.js';
import type { Database } from '../db/schema.js';
import { Prng } from '../db/seed/prng.js';
import { seedDemoData } from '../db/seed/k-demo.js';
import { needNotices } from '../bot/replies/needs.replies.js';
import type { Kysely } from 'kysely';

const { values: options } = parseArgs({
  options: { needs: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' } },
});
const NEEDS = Number(options.needs ?? 200);
const SCALE = Number(options.scale ?? 0.2);
const rng = new Prng(Number(options.seed ?? 7));

const H = 3_600_000;
const TICK = 5 * 60_000;
const START = new Date('2026-11-16T00:00:00+08:00'); // a Monday
const END = new Date(START.getTime() + 7 * 24 * H);

// How managers behave, by tier: median hours to claim and from claim to resolution (log-normal, sigma below).
const BEHAVIOUR: Record<Tier, { claimH: number; resolveH: number }> = {
  core: { claimH: 2.5, resolveH: 7 },
  key: { claimH: 6, resolveH: 16 },
  regular: { claimH: 14, resolveH: 26 },
  silent: { claimH: 20, resolveH: 30 },
};
const SIGMA = 0.75;
const LATE_SHARE = 0.12; // a busy or away manager: everything takes 2.5× longer
const LATE_FACTOR = 2.5;

type Ev =
  | { at: number; kind: 'submit'; dealer: string; tier: Tier; manager: string }
  | { at: number; kind: 'claim'; needId: number; manager: string; late: boolean }
  | { at: number; kind: 'resolve'; needId: number; manager: string; late: boolean; round: number }
  | { at: number; kind: 'rate'; needId: number; dealer: string; round: number };

const queue: Ev[] = [];
const push = (e: Ev) => {
  let i = queue.length;
  while (i > 0 && queue[i - 1]!.at > e.at) i--;
  queue.splice(i, 0, e);
};

/** Submissions cluster in business hours (08–21 Shanghai). */
function submitTime(): number {
  for (;;) {
    const t = START.getTime() + rng.next() * (END.getTime() - START.getTime());
    const hour = new Date(t + 8 * H).getUTCHours();
    if (hour >= 8 && hour < 21 ? true : rng.chance(0.08)) return t;
  }
}

function rating(onTime: boolean, round: number): number {
  const r = rng.next();
  if (round > 0) return r < 0.5 ? 4 : r < 0.8 ? 3 : 5;
  if (onTime) return r < 0.55 ? 5 : r < 0.9 ? 4 : 3;
  return r < 0.3 ? 4 : r < 0.62 ? 3 : r < 0.88 ? 2 : 1;
}

async function main(): Promise<void> {
  const log = pino({ level: 'silent' });
  const h = await openDatabase({ kind: 'pglite-memory' });
  const db: Kysely<Database> = h.db;
  await migrateToLatest(db);
  const t0 = performance.now();
  const seeded = await seedDemoData(db, { scale: SCALE, now: START });
  const dealers = await db.selectFrom('dealers').select(['code', 'tier', 'manager_code']).orderBy('code').execute();
  console.log(
    `seeded K demo at scale ${SCALE}: ${dealers.length} dealers, ${seeded.counts.managers ?? '?'} managers (${Math.round(performance.now() - t0)} ms)`,
  );

  for (let i = 0; i < NEEDS; i++) {
    const d = dealers[rng.int(0, dealers.length - 1)]!;
    push({ at: submitTime(), kind: 'submit', dealer: d.code, tier: d.tier, manager: d.manager_code });
  }

  const inTrx = <T>(fn: (s: NeedsService) => Promise<T>) =>
    db
      .transaction()
      .execute((trx) =>
        fn(new NeedsService({ store: new NeedsRepository(trx), notifier: dbNotifier(trx), notices: needNotices })),
      );
  const tierOf = new Map<number, Tier>();
  const lateOf = new Map<number, boolean>();
  const stats = {
    submitted: 0,
    claimed: 0,
    resolved: 0,
    rated: 0,
    reopened: 0,
    jobRuns: 0,
    jobMs: [] as number[],
    warned: 0,
    escalated: 0,
  };

  for (let tick = START.getTime(); tick <= END.getTime(); tick += TICK) {
    while (queue.length && queue[0]!.at <= tick) {
      const e = queue.shift()!;
      const now = new Date(e.at);
      if (e.kind === 'submit') {
        const category = NEED_CATEGORIES[rng.int(0, NEED_CATEGORIES.length - 1)];
        const { need } = await inTrx((s) =>
          s.submit({ dealerCode: e.dealer, category, text: `模拟需求（${category}）`, now }),
        );
        stats.submitted++;
        const late = rng.chance(LATE_SHARE);
        tierOf.set(need.id, e.tier);
        lateOf.set(need.id, late);
        const f = late ? LATE_FACTOR : 1;
        push({
          at: e.at + BEHAVIOUR[e.tier].claimH * f * rng.logNormal(SIGMA) * H,
          kind: 'claim',
          needId: need.id,
          manager: e.manager,
          late,
        });
      } else if (e.kind === 'claim') {
        await inTrx((s) => s.claim({ managerCode: e.manager, needId: e.needId, now }));
        stats.claimed++;
        const f = e.late ? LATE_FACTOR : 1;
        const tier = tierOf.get(e.needId)!;
        push({
          at: e.at + BEHAVIOUR[tier].resolveH * f * rng.logNormal(SIGMA) * H,
          kind: 'resolve',
          needId: e.needId,
          manager: e.manager,
          late: e.late,
          round: 0,
        });
      } else if (e.kind === 'resolve') {
        const { need } = await inTrx((s) =>
          s.resolve({ managerCode: e.manager, needId: e.needId, note: '已处理', now }),
        );
        stats.resolved++;
        push({
          at: e.at + 2 * rng.logNormal(1) * H,
          kind: 'rate',
          needId: e.needId,
          dealer: need.dealerCode,
          round: e.round,
        });
      } else {
        const n = await db
          .selectFrom('needs')
          .select(['resolved_at', 'resolution_due', 'owner_code'])
          .where('id', '=', e.needId)
          .executeTakeFirstOrThrow();
        const onTime = n.resolved_at !== null && n.resolved_at <= n.resolution_due;
        const { reopened } = await inTrx((s) =>
          s.rate({ dealerCode: e.dealer, needId: e.needId, rating: rating(onTime, e.round), now }),
        );
        stats.rated++;
        if (reopened) {
          stats.reopened++;
          push({
            at: e.at + 10 * rng.logNormal(SIGMA) * H,
            kind: 'resolve',
            needId: e.needId,
            manager: n.owner_code,
            late: false,
            round: e.round + 1,
          });
        }
      }
    }
    const now = new Date(tick);
    const out = await runJobOn(db, needsSlaJob, slotOf(now), 'sim', { now, log });
    if (out.ran && 'result' in out) {
      stats.jobRuns++;
      stats.jobMs.push(out.ms);
      stats.warned += out.result.warned ?? 0;
      stats.escalated += out.result.escalated ?? 0;
    } else if (out.ran) throw new Error(`SLA job failed: ${out.error}`);
  }

  const from = shanghaiDate(START);
  const to = shanghaiDate(new Date(END.getTime() - 1));
  const report = await needsReport(db, { from, to, now: END });
  const ms = stats.jobMs.sort((a, b) => a - b);
  const outbox = await db
    .selectFrom('outbox')
    .select(['kind', db.fn.countAll<number>().as('n')])
    .where('kind', 'like', 'need.%')
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  console.log(
    `\nsimulated ${from} … ${to}: ${stats.submitted} needs, ${stats.claimed} claimed, ${stats.resolved} resolutions, ` +
      `${stats.rated} ratings, ${stats.reopened} reopened by a low rating; ${[...lateOf.values()].filter(Boolean).length} handled by a late manager`,
  );
  console.log(
    `SLA job: ${stats.jobRuns} runs every 5 min, ${stats.warned} warnings and ${stats.escalated} escalations sent; ` +
      `run time p50 ${ms[Math.floor(ms.length / 2)]?.toFixed(1)} ms, max ${ms.at(-1)?.toFixed(1)} ms (PGlite)`,
  );
  console.log(`messages: ${outbox.map((o) => `${o.kind} ${o.n}`).join(', ')}\n`);
  console.log(formatNeedsReport(report));
  await h.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
