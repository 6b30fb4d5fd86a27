import { mondayOf } from '../../../core/care/calendar.js';
import { successCaseMessage } from '../../../core/care/care.messages.js';
import { pickSuccessCase } from '../../../core/care/success-case.js';
import { loadCareDealers, loadSuccessCases, sentSuccessCaseKeys } from '../../../db/repositories/care.repository.js';
import { runPlan } from './pushes.js';
/**
 * Weekly success case: each dealer gets the case whose tags and tier match theirs best, never one sent before.
 * Key `care.case:<dealer>:<monday>:<case id>`: the week part stops a re-run, the case part records what was sent.
 */
export async function planSuccessCases(db, date) {
    const week = mondayOf(date);
    const [dealers, cases, keys] = await Promise.all([
        loadCareDealers(db),
        loadSuccessCases(db),
        sentSuccessCaseKeys(db),
    ]);
    const sent = new Map();
    const thisWeek = new Set();
    for (const k of keys) {
        const [, dealer, monday, id] = k.split(':');
        if (!dealer || !id)
            continue;
        if (monday === week)
            thisWeek.add(dealer);
        const s = sent.get(dealer) ?? new Set();
        s.add(Number(id));
        sent.set(dealer, s);
    }
    const pushes = [];
    let noMatch = 0;
    for (const d of dealers) {
        if (thisWeek.has(d.code))
            continue;
        const c = pickSuccessCase(cases, d, sent.get(d.code) ?? new Set());
        if (!c) {
            noMatch++;
            continue;
        }
        pushes.push({
            to: 'dealer',
            code: d.code,
            body: successCaseMessage(d.name, c),
            kind: 'care.success_case',
            dedupeKey: `care.case:${d.code}:${week}:${c.id}`,
        });
    }
    return { pushes, counts: { dealers: dealers.length, alreadyThisWeek: thisWeek.size, noMatch } };
}
export const successCaseJob = {
    name: 'care.success-case',
    cron: '10 10 * * 1',
    description: '每周成功案例：按标签和等级匹配，未发过的案例（周一 10:10）',
    run: (ctx) => runPlan(ctx, planSuccessCases),
};
//# sourceMappingURL=success-case.job.js.map