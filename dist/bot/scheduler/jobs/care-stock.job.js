import { dealerAnomalyMessage, managerAnomalySummary, replenishmentMessage, } from '../../../core/care/care.messages.js';
import { ANOMALY_NOTICE_EVERY_DAYS, anomalySetKey, sellThroughDrop } from '../../../core/care/anomalies.js';
import { adviseReplenishment, overstockOf, } from '../../../core/care/replenishment.js';
import { addDays } from '../../../core/common/time.js';
import { existingDedupeKeys, loadCareDealers, overdueReceivables, sellThroughTrends, stockPositions, } from '../../../db/repositories/care.repository.js';
import { DAILY_CRON } from './care-calendar.job.js';
import { runPlan } from './pushes.js';
/** A dealer gets replenishment advice at most once in this many days. */
export const REPLENISH_EVERY_DAYS = 3;
const MAX_LINES = 5;
/**
 * Of some recipients, those without a push keyed `key(code, day)` on any of the `days` days up to `date` (the
 * "at most once per N days" rule: dated dedupe keys looked up exactly, one statement).
 */
async function notRecentlySent(db, codes, date, days, key) {
    const recentKeys = (c) => Array.from({ length: days }, (_, i) => key(c, addDays(date, -i)));
    const sent = await existingDedupeKeys(db, codes.flatMap(recentKeys));
    return codes.filter((c) => !recentKeys(c).some((k) => sent.has(k)));
}
/** Replenishment advice for every dealer with products under lead time + 7 days of cover. */
export async function planReplenishment(db, date) {
    const positions = await stockPositions(db, date);
    const advice = new Map();
    for (const [code, list] of positions) {
        const a = adviseReplenishment(list);
        if (a.length)
            advice.set(code, a);
    }
    const key = (code, d) => `care.replenishment:${code}:${d}`;
    const due = await notRecentlySent(db, [...advice.keys()], date, REPLENISH_EVERY_DAYS, key);
    const dealers = new Map((await loadCareDealers(db, due)).map((d) => [d.code, d]));
    const pushes = due.map((code) => ({
        to: 'dealer',
        code,
        body: replenishmentMessage(dealers.get(code).name, advice.get(code).slice(0, MAX_LINES)),
        kind: 'care.replenishment',
        dedupeKey: key(code, date),
    }));
    return {
        pushes,
        counts: {
            dealersLow: advice.size,
            products: [...advice.values()].reduce((s, a) => s + a.length, 0),
            recentlyAdvised: advice.size - due.length,
        },
    };
}
/**
 * Anomalies: overstock (> 90 days of cover, or no sale in 30 days), sell-through down ≥ 30% (4 weeks on 4 weeks),
 * overdue receivables. The dealer hears about overstock and overdue at most once a week for the same set of
 * anomalies (a new overstocked product, or overdue payments appearing or cleared, is told at once); every account
 * manager gets one summary a day.
 */
export async function planAnomalies(db, date) {
    const [positions, trends, overdue] = await Promise.all([
        stockPositions(db, date),
        sellThroughTrends(db, date),
        overdueReceivables(db, date),
    ]);
    const codes = new Set([...overdue.keys()]);
    const over = new Map();
    for (const [code, list] of positions) {
        const o = list.map(overstockOf).filter((x) => x !== null);
        if (o.length) {
            over.set(code, o);
            codes.add(code);
        }
    }
    const drops = new Map();
    for (const [code, t] of trends) {
        const f = sellThroughDrop(t);
        if (f !== null) {
            drops.set(code, { fraction: f, last28: t.last28, prev28: t.prev28 });
            codes.add(code);
        }
    }
    const dealers = await loadCareDealers(db, [...codes].sort());
    // The dealer notice's key names its anomaly set: the same set within 7 days is held back, a changed set is not.
    const setOf = new Map();
    for (const d of dealers) {
        const o = over.get(d.code) ?? [];
        if (o.length || overdue.has(d.code))
            setOf.set(d.code, anomalySetKey(o.map((x) => x.sku), overdue.has(d.code)));
    }
    const noticeKey = (code, day) => `care.anomaly:${code}:${day}:${setOf.get(code)}`;
    const due = new Set(await notRecentlySent(db, [...setOf.keys()], date, ANOMALY_NOTICE_EVERY_DAYS, noticeKey));
    const pushes = [];
    const byManager = new Map();
    for (const d of dealers) {
        const a = {
            dealerCode: d.code,
            dealerName: d.name,
            overstock: over.get(d.code) ?? [],
            drop: drops.get(d.code) ?? null,
            overdue: overdue.get(d.code) ?? null,
        };
        if (due.has(d.code)) {
            pushes.push({
                to: 'dealer',
                code: d.code,
                body: dealerAnomalyMessage(d.name, a.overstock, a.overdue),
                kind: 'care.anomaly',
                dedupeKey: noticeKey(d.code, date),
            });
        }
        const list = byManager.get(d.managerCode) ?? [];
        list.push(a);
        byManager.set(d.managerCode, list);
    }
    for (const [manager, items] of [...byManager].sort((a, b) => a[0].localeCompare(b[0]))) {
        pushes.push({
            to: 'managerChat',
            code: manager,
            body: managerAnomalySummary(date, items),
            kind: 'care.anomaly.summary',
            dedupeKey: `care.anomaly.summary:${manager}:${date}`,
        });
    }
    return {
        pushes,
        counts: {
            dealers: dealers.length,
            overstock: over.size,
            sellThroughDrop: drops.size,
            overdue: overdue.size,
            managers: byManager.size,
            dealerNotices: due.size,
            recentlyNotified: setOf.size - due.size,
        },
    };
}
export const replenishmentJob = {
    name: 'care.replenishment',
    cron: DAILY_CRON,
    description: '补货建议：可售天数低于到货周期+7天的产品（每家经销商3天内最多一次）',
    run: (ctx) => runPlan(ctx, planReplenishment),
};
export const anomalyJob = {
    name: 'care.anomalies',
    cron: DAILY_CRON,
    description: '经营异常：库存积压、动销下降、逾期货款（同样的异常每家经销商7天内最多提醒一次；客户经理每日一份汇总）',
    run: (ctx) => runPlan(ctx, planAnomalies),
};
//# sourceMappingURL=care-stock.job.js.map