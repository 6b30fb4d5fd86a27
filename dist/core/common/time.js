/** Business time is Asia/Shanghai (UTC+8, no DST): dates and "today" are computed there. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/**
 * 'YYYY-MM-DD' of an instant in Asia/Shanghai: the one implementation (core/policies/dates.ts and bot/nlu/dates.ts
 * re-export it). Accepts a Date or an ISO timestamp string; an invalid instant is a RangeError, never a wrong date.
 */
export function shanghaiDate(at) {
    const t = (typeof at === 'string' ? new Date(at) : at).getTime();
    if (Number.isNaN(t))
        throw new RangeError('invalid timestamp');
    return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
/** The instant a Shanghai calendar day starts. */
export function shanghaiMidnight(date) {
    return new Date(`${date}T00:00:00+08:00`);
}
/** Hour and minute of an instant in Asia/Shanghai. */
export function shanghaiClock(at) {
    const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
    return { hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
}
export function addDays(date, days) {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
}
/** First day of the quarter containing a Shanghai date. */
export function quarterStart(date) {
    const [y, m] = date.split('-').map(Number);
    const qm = Math.floor((m - 1) / 3) * 3 + 1;
    return `${y}-${String(qm).padStart(2, '0')}-01`;
}
//# sourceMappingURL=time.js.map