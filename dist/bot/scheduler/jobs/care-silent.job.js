import { fittingPolicies, primaryTag } from '../../../core/care/activation.js';
import { silentPlanMessage } from '../../../core/care/care.messages.js';
import { lastOrders, loadActivePolicies, peerPurchases, silentDealers, } from '../../../db/repositories/care.repository.js';
import { DAILY_CRON } from './care-calendar.job.js';
import { runPlan } from './pushes.js';
const TOP_PEER_PRODUCTS = 3;
/** Top products of similar active dealers, per (market level, tag); '' = the whole market level. */
export function peerFavourites(rows) {
    const groups = new Map();
    for (const r of rows) {
        const k = `${r.marketLevel}|${r.tag}`;
        const g = groups.get(k) ?? [];
        g.push(r);
        groups.set(k, g);
    }
    const out = new Map();
    for (const [k, g] of groups) {
        const total = g.reduce((s, x) => s + x.amountFen, 0);
        out.set(k, g
            .sort((a, b) => b.amountFen - a.amountFen || a.name.localeCompare(b.name))
            .slice(0, TOP_PEER_PRODUCTS)
            .map((x) => ({ name: x.name, sharePct: total > 0 ? Math.round((100 * x.amountFen) / total) : 0 })));
    }
    return out;
}
/**
 * Silent dealers (no order for 90 days): an activation plan to their account manager — last orders, what similar
 * dealers order, the policies that fit — once per dealer per calendar month.
 */
export async function planSilent(db, date) {
    const silent = await silentDealers(db, date);
    const [orders, peers, policies] = await Promise.all([
        lastOrders(db, silent.map((d) => d.code)),
        peerPurchases(db, date),
        loadActivePolicies(db),
    ]);
    const favourites = peerFavourites(peers);
    const pushes = silent.map((d) => {
        const tag = primaryTag(d.tags);
        const peer = favourites.get(`${d.marketLevel}|${tag}`) ?? favourites.get(`${d.marketLevel}|`) ?? [];
        return {
            to: 'manager',
            code: d.managerCode,
            body: silentPlanMessage({ ...d, tags: tag ? [tag] : [] }, orders.get(d.code) ?? [], peer, fittingPolicies(policies, { tier: 'silent', tags: d.tags })),
            kind: 'care.silent',
            dedupeKey: `care.silent:${d.code}:${date.slice(0, 7)}`,
        };
    });
    return { pushes, counts: { silent: silent.length } };
}
export const silentJob = {
    name: 'care.silent',
    cron: DAILY_CRON,
    description: '沉默客户激活：90天未订货的经销商，给客户经理的激活方案（每月一次）',
    run: (ctx) => runPlan(ctx, planSilent),
};
//# sourceMappingURL=care-silent.job.js.map