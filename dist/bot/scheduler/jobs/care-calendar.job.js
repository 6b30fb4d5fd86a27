import { anniversaryYears } from '../../../core/care/calendar.js';
import { anniversaryBonusNotice, anniversaryMessage, birthdayMessage, } from '../../../core/care/care.messages.js';
import { anniversaryBonusFen, anniversaryStatus } from '../../../core/policies/anniversary.js';
import { addYears, monthOf } from '../../../core/policies/dates.js';
import { qualifyingAmount } from '../../../core/policies/qualifying.js';
import { shanghaiMidnight } from '../../../core/common/time.js';
import { anniversariesOn, birthdaysOn, dealersStartedBetween, existingDedupeKeys, loadActivePolicies, orderLinesBetween, } from '../../../db/repositories/care.repository.js';
import { runPlan } from './pushes.js';
export const DAILY_CRON = '10 9 * * *';
/** Birthday greetings: one message per dealer whose contact(s) have a birthday today. */
export async function planBirthdays(db, date) {
    const rows = await birthdaysOn(db, date);
    const pushes = rows.map((d) => ({
        to: 'dealer',
        code: d.code,
        body: birthdayMessage(d.contacts),
        kind: 'care.birthday',
        dedupeKey: `care.birthday:${d.code}:${date}`,
    }));
    return { pushes, counts: { birthdays: pushes.length } };
}
const monthLabel = (date) => `${Number(date.slice(5, 7))}月`;
/**
 * Anniversary greetings on the day; for an anniversary-bonus policy (ANNIV-3Y) the bonus is announced once in the
 * anniversary month with the dealer's qualifying amount so far (merged into the greeting when today is the day).
 */
export async function planAnniversaries(db, date, now) {
    const today = await anniversariesOn(db, date);
    const bonusPolicies = (await loadActivePolicies(db)).filter((p) => p.kind === 'anniversary_bonus');
    const month = monthOf(date);
    const bonusDealers = new Map();
    for (const policy of bonusPolicies) {
        const starters = await dealersStartedBetween(db, addYears(month.start, -policy.years), addYears(month.end, -policy.years));
        for (const d of starters) {
            if (anniversaryStatus(policy, d.partnershipStart, date).isThisMonth && !bonusDealers.has(d.code))
                bonusDealers.set(d.code, { policy, dealer: d });
        }
    }
    const noticeKey = (code) => `care.anniversary.bonus:${code}:${date.slice(0, 7)}`;
    const greetingKey = (code, day) => `care.anniversary:${code}:${day}`;
    // Announced: by the month's notice, or inside the greeting of the anniversary day itself.
    const announcedBy = (b) => [
        noticeKey(b.dealer.code),
        greetingKey(b.dealer.code, anniversaryStatus(b.policy, b.dealer.partnershipStart, date).anniversaryDate),
    ];
    const announced = await existingDedupeKeys(db, [...bonusDealers.values()].flatMap(announcedBy));
    const pending = [...bonusDealers.values()].filter((b) => !announcedBy(b).some((k) => announced.has(k)));
    const lines = await orderLinesBetween(db, pending.map((b) => b.dealer.code), shanghaiMidnight(month.start), now);
    const bonusOf = (code, policy) => {
        const q = qualifyingAmount(lines.get(code) ?? [], {
            period: { start: month.start, end: date },
            excludeCategories: policy.excludeCategories,
        });
        return {
            policyName: policy.name,
            rate: policy.bonusRate,
            monthLabel: monthLabel(date),
            amountFen: q.amountFen,
            bonusFen: anniversaryBonusFen(policy, q.amountFen),
            excludedCategories: policy.excludeCategories,
        };
    };
    const pushes = [];
    const pendingCodes = new Set(pending.map((b) => b.dealer.code));
    for (const d of today) {
        const years = anniversaryYears(d.partnershipStart, date);
        if (years === null)
            continue;
        const b = bonusDealers.get(d.code);
        if (b && pendingCodes.has(d.code)) {
            // Today is the day and the bonus is not announced yet: one message carries both.
            pushes.push({
                to: 'dealer',
                code: d.code,
                body: anniversaryMessage(d.name, years, d.partnershipStart, bonusOf(d.code, b.policy)),
                kind: 'care.anniversary',
                dedupeKey: greetingKey(d.code, date),
            });
            pendingCodes.delete(d.code);
            continue;
        }
        pushes.push({
            to: 'dealer',
            code: d.code,
            body: anniversaryMessage(d.name, years, d.partnershipStart, null),
            kind: 'care.anniversary',
            dedupeKey: greetingKey(d.code, date),
        });
    }
    for (const b of pending) {
        if (!pendingCodes.has(b.dealer.code))
            continue;
        const status = anniversaryStatus(b.policy, b.dealer.partnershipStart, date);
        pushes.push({
            to: 'dealer',
            code: b.dealer.code,
            body: anniversaryBonusNotice(b.dealer.name, status.anniversaryDate, bonusOf(b.dealer.code, b.policy)),
            kind: 'care.anniversary.bonus',
            dedupeKey: noticeKey(b.dealer.code),
        });
    }
    return {
        pushes,
        counts: { anniversaries: today.length, bonusNotices: pending.length },
    };
}
export const birthdayJob = {
    name: 'care.birthday',
    cron: DAILY_CRON,
    description: '生日关怀：今天过生日的经销商联系人',
    run: (ctx) => runPlan(ctx, planBirthdays),
};
export const anniversaryJob = {
    name: 'care.anniversary',
    cron: DAILY_CRON,
    description: '合作周年：当天问候；三周年当月公布额外返利和本月计入金额',
    run: (ctx) => runPlan(ctx, planAnniversaries),
};
//# sourceMappingURL=care-calendar.job.js.map