import { managerTierSummary, tierChangeMessage } from '../../../core/dealers/retier.messages.js';
import { DEFAULT_SCORING, scoreDealers } from '../../../core/dealers/scoring.js';
import { mergeTags } from '../../../core/dealers/tags.js';
import { shanghaiDate, shanghaiMidnight } from '../../../core/common/time.js';
import { applyDealerTiers, latestScoredMonth, loadDealerMetrics, loadDealerTiers, saveDealerScores, tiersBeforeMonth, tiersScoredBefore, } from '../../../db/repositories/dealers.repository.js';
import { sendFromOf, sendPushes, spreadPushes } from './pushes.js';
/** 'YYYY-MM' of the month before the one containing `now` (what the run on the 1st evaluates). */
export function previousMonth(now) {
    const [y, m] = shanghaiDate(now).split('-').map(Number);
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
export function isMonth(s) {
    return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}
/** The end of a month's data: the first instant of the next month, or `now` while the month is still running. */
export function monthAsOf(month, now) {
    const [y, m] = month.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const end = shanghaiMidnight(next);
    return end < now ? end : now;
}
/**
 * Scores every dealer for `month` (data up to its end) into dealer_scores. When `month` is the latest scored month
 * (or later), it also sets the dealers' tier, reasons and tags (derived ∪ manual), tells each dealer whose tier
 * changed why and what the new tier brings, and sends every account manager a summary. An older month is a
 * historical re-score: its dealer_scores are rewritten, today's tiers stay and nobody is told (`historical: 1`).
 * A re-run recomputes the scores, keeps the first run's tier_before and sends nothing twice.
 */
export async function scoreMonth(db, month, now, opts = {}) {
    return db.transaction().execute(async (trx) => {
        const asOf = monthAsOf(month, now);
        const monthDate = `${month}-01`;
        const [metrics, dealers, before, earlier, managers, latest] = await Promise.all([
            loadDealerMetrics(trx, asOf),
            loadDealerTiers(trx),
            tiersBeforeMonth(trx, monthDate),
            tiersScoredBefore(trx, monthDate),
            trx.selectFrom('managers').select(['code', 'name']).execute(),
            latestScoredMonth(trx),
        ]);
        const historical = latest !== null && monthDate < latest;
        // Before a month scored for the first time: today's tier, or for an old month the tier of the month before it.
        const tierBefore = (d) => before.get(d.code) ?? (historical ? earlier.get(d.code) : undefined) ?? d.tier;
        const managerName = new Map(managers.map((m) => [m.code, m.name]));
        const byCode = new Map(dealers.map((d) => [d.code, d]));
        const scores = scoreDealers(metrics, opts.cfg ?? DEFAULT_SCORING);
        const writes = scores.map((s) => {
            const d = byCode.get(s.dealerCode);
            return { ...s, tierBefore: tierBefore(d), tags: mergeTags(s.derivedTags, d.manualTags) };
        });
        await saveDealerScores(trx, monthDate, writes);
        const tiers = { core: 0, key: 0, regular: 0, silent: 0 };
        for (const s of scores)
            tiers[s.tier]++;
        const changed = writes.filter((w) => w.tier !== w.tierBefore).length;
        // An old month must not overwrite today's tiers nor announce a "new" tier that is already history.
        if (historical)
            return { historical: 1, tiersUpdated: 0, scored: scores.length, changed, ...tiers, queued: 0 };
        await applyDealerTiers(trx, writes);
        const changes = writes
            .filter((w) => w.tier !== w.tierBefore)
            .map((w) => {
            const d = byCode.get(w.dealerCode);
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
        const pushes = changes.map((c) => ({
            to: 'dealer',
            code: c.dealerCode,
            body: tierChangeMessage(c, month, managerName.get(c.managerCode) ?? null),
            kind: 'dealers.tier_change',
            dedupeKey: `dealers.tier:${c.dealerCode}:${month}`,
        }));
        const perManager = new Map();
        for (const d of dealers) {
            const m = perManager.get(d.managerCode) ?? { scored: 0, changes: [] };
            m.scored++;
            perManager.set(d.managerCode, m);
        }
        for (const c of changes)
            perManager.get(c.managerCode)?.changes.push(c);
        for (const [code, m] of [...perManager].sort((a, b) => a[0].localeCompare(b[0]))) {
            pushes.push({
                to: 'managerChat',
                code,
                body: managerTierSummary(month, m.changes, m.scored),
                kind: 'dealers.tier_summary',
                dedupeKey: `dealers.tier.summary:${code}:${month}`,
            });
        }
        const queued = await sendPushes(trx, spreadPushes(pushes, sendFromOf({ now, sendFrom: opts.sendFrom })));
        return { historical: 0, tiersUpdated: 1, scored: scores.length, changed, ...tiers, queued };
    });
}
export const dealerScoreJob = {
    name: 'dealers.score',
    cron: '10 6 1 * *',
    description: '月度分级（每月1日 06:10）：五维评分、调级、通知经销商和客户经理',
    run: (ctx) => scoreMonth(ctx.db, previousMonth(ctx.now), ctx.now, { sendFrom: ctx.sendFrom }),
};
//# sourceMappingURL=dealer-score.job.js.map