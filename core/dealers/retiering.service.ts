import type { DeliveryLog, Push, PushQueue } from '../care/ports.js';
import { notYetDelivered, spreadPushes } from '../care/send-once.js';
import { shanghaiDate, shanghaiMidnight } from '../common/time.js';
import type { DealerScoreStore, ScoreWrite } from './ports.js';
import type { TierChange } from './retier.messages.js';
import { changeReasons, DEFAULT_SCORING, type ScoringConfig, scoreDealers, type TierReason } from './scoring.js';
import { mergeTags } from './tags.js';
import type { Tier } from './tiers.js';

/** 'YYYY-MM' of the month before the one containing `now` (what the run on the 1st evaluates). */
export function previousMonth(now: Date): string {
  const [y, m] = shanghaiDate(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function isMonth(s: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}

/** The end of a month's data: the first instant of the next month, or `now` while the month is still running. */
export function monthAsOf(month: string, now: Date): Date {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  const end = shanghaiMidnight(next);
  return end < now ? end : now;
}

export interface RetieringPorts {
  store: DealerScoreStore;
  deliveries: DeliveryLog;
  queue: PushQueue;
}

/** Words one reason (bot/replies): the words are what the scores and the dealer's tier store and the notices quote. */
export type DescribeTierReason = (reason: TierReason) => string;

/** Monthly scoring and re-tiering, with the notices it owes dealers and account managers. */
export class RetieringService {
  constructor(
    private readonly ports: RetieringPorts,
    private readonly describe: DescribeTierReason,
  ) {}

  /**
   * Scores every dealer for `month` (data up to its end). When `month` is the latest scored month (or later), it
   * also sets the dealers' tier, reasons and tags (derived ∪ manual), tells each dealer whose tier changed why and
   * what the new tier brings, and sends every account manager a summary. An older month is a historical re-score:
   * its scores are rewritten, today's tiers stay and nobody is told (`historical: 1`). A re-run recomputes the
   * scores, keeps the first run's tier_before and sends nothing twice.
   */
  async scoreMonth(
    month: string,
    now: Date,
    opts: { cfg?: ScoringConfig; sendFrom?: Date } = {},
  ): Promise<Record<string, number>> {
    const { store } = this.ports;
    const asOf = monthAsOf(month, now);
    const monthDate = `${month}-01`;
    const [metrics, dealers, before, earlier, managerName, latest] = await Promise.all([
      store.metrics(asOf),
      store.dealerTiers(),
      store.tiersBeforeMonth(monthDate),
      store.tiersScoredBefore(monthDate),
      store.managerNames(),
      store.latestScoredMonth(),
    ]);
    const historical = latest !== null && monthDate < latest;
    // Before a month scored for the first time: today's tier, or for an old month the tier of the month before it.
    const tierBefore = (d: { code: string; tier: Tier }) =>
      before.get(d.code) ?? (historical ? earlier.get(d.code) : undefined) ?? d.tier;
    const byCode = new Map(dealers.map((d) => [d.code, d]));
    const scores = scoreDealers(metrics, opts.cfg ?? DEFAULT_SCORING);
    const metricsOf = new Map(metrics.map((m) => [m.dealerCode, m]));
    const cfg = opts.cfg ?? DEFAULT_SCORING;
    const writes: ScoreWrite[] = scores.map((s) => {
      const d = byCode.get(s.dealerCode)!;
      const was = tierBefore(d);
      // A changed tier is explained in its own direction: a downgrade never by the dealer's strengths.
      const reasons =
        was === s.tier
          ? s.reasons
          : changeReasons(metricsOf.get(s.dealerCode)!, s.dimensions, s.total, was, s.tier, cfg.thresholds);
      return {
        ...s,
        tierBefore: was,
        tags: mergeTags(s.derivedTags, d.manualTags),
        reasons: reasons.map(this.describe),
      };
    });
    await store.saveScores(monthDate, writes);
    const tiers = { core: 0, key: 0, regular: 0, silent: 0 };
    for (const s of scores) tiers[s.tier]++;
    const changed = writes.filter((w) => w.tier !== w.tierBefore).length;
    // An old month must not overwrite today's tiers nor announce a "new" tier that is already history.
    if (historical) return { historical: 1, tiersUpdated: 0, scored: scores.length, changed, ...tiers, queued: 0 };

    const changes: TierChange[] = writes
      .filter((w) => w.tier !== w.tierBefore)
      .map((w) => {
        const d = byCode.get(w.dealerCode)!;
        return {
          dealerCode: d.code,
          dealerName: d.name,
          managerCode: d.managerCode,
          before: w.tierBefore,
          after: w.tier,
          total: w.total,
          reasons: w.reasons,
        };
      });
    const pushes: Push[] = changes.map((c) => ({
      to: 'dealer',
      code: c.dealerCode,
      message: { kind: 'tierChange', change: c, month, managerName: managerName.get(c.managerCode) ?? null },
      kind: 'dealers.tier_change',
      dedupeKey: `dealers.tier:${c.dealerCode}:${month}`,
      delivery: { kind: 'dealers.tier_change', subject: c.dealerCode, key: month },
    }));
    const perManager = new Map<string, { scored: number; changes: TierChange[] }>();
    for (const d of dealers) {
      const m = perManager.get(d.managerCode) ?? { scored: 0, changes: [] };
      m.scored++;
      perManager.set(d.managerCode, m);
    }
    for (const c of changes) perManager.get(c.managerCode)?.changes.push(c);
    for (const [code, m] of [...perManager].sort((a, b) => a[0].localeCompare(b[0]))) {
      pushes.push({
        to: 'managerChat',
        code,
        message: { kind: 'tierSummary', month, changes: m.changes, scored: m.scored },
        kind: 'dealers.tier_summary',
        dedupeKey: `dealers.tier.summary:${code}:${month}`,
        delivery: { kind: 'dealers.tier_summary', subject: code, key: month },
      });
    }
    const from = opts.sendFrom && opts.sendFrom > now ? opts.sendFrom : now;
    // Each new tier (and its prices) starts when its notice may go out — after quiet hours, at its spread minute —
    // not at scoring time: the dealer never pays a new price before being told.
    const fresh = spreadPushes(await notYetDelivered(this.ports.deliveries, pushes), from);
    const noticeAt = new Map(fresh.filter((p) => p.kind === 'dealers.tier_change').map((p) => [p.code, p.notBefore!]));
    await store.applyTiers(
      writes.map((w) => {
        const at = w.tier !== w.tierBefore ? noticeAt.get(w.dealerCode) : undefined;
        return at ? { ...w, tierFrom: at } : w;
      }),
      now,
    );
    const queued = fresh.length === 0 ? 0 : await this.ports.queue.enqueue(fresh);
    if (fresh.length > 0)
      await this.ports.deliveries.record(
        fresh.map((p) => p.delivery),
        from,
      );
    return { historical: 0, tiersUpdated: 1, scored: scores.length, changed, ...tiers, queued };
  }

  /** Pending tiers whose notice time has come take effect (the `dealers.tier.apply` job, every few minutes). */
  applyDueTiers(now: Date): Promise<number> {
    return this.ports.store.applyDueTiers(now);
  }
}
