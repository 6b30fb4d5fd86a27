/** Birthday and partnership-anniversary matching (business dates, Asia/Shanghai). */
const isLeap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
/** Same month and day; a 29 February date is celebrated on 28 February in other years. */
export function sameDayOfYear(date, today) {
    const md = date.slice(5, 10);
    const todayMd = today.slice(5, 10);
    if (md === todayMd)
        return true;
    return md === '02-29' && todayMd === '02-28' && !isLeap(Number(today.slice(0, 4)));
}
/** Whole years of partnership on `today` when it is the anniversary day (≥ 1), else null. */
export function anniversaryYears(partnershipStart, today) {
    if (!sameDayOfYear(partnershipStart, today))
        return null;
    const years = Number(today.slice(0, 4)) - Number(partnershipStart.slice(0, 4));
    return years >= 1 ? years : null;
}
/** The Monday (business date) of the week containing `date`. */
export function mondayOf(date) {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
}
//# sourceMappingURL=calendar.js.map