/** Business-date helpers. Asia/Shanghai is UTC+8 all year (no DST since 1991), so a fixed offset is exact. */
export { shanghaiDate } from '../common/time.js';
export function isIsoDate(s) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
        return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
export function daysInMonth(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
/** Same calendar date `years` later (or earlier when negative); 29 Feb falls back to 28 Feb. */
export function addYears(date, years) {
    const y = Number(date.slice(0, 4)) + years;
    const m = Number(date.slice(5, 7));
    const d = Math.min(Number(date.slice(8, 10)), daysInMonth(y, m));
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
/** First and last date of the calendar month containing `date`. */
export function monthOf(date) {
    const y = Number(date.slice(0, 4));
    const m = Number(date.slice(5, 7));
    const ym = date.slice(0, 7);
    return { start: `${ym}-01`, end: `${ym}-${String(daysInMonth(y, m)).padStart(2, '0')}` };
}
/** True when `date` lies within [start, end] (inclusive, ISO dates compare as strings). */
export function inPeriod(date, period) {
    return date >= period.start && date <= period.end;
}
//# sourceMappingURL=dates.js.map