/** Receivables overdue by more than this many days block new orders. */
export const OVERDUE_BLOCK_DAYS = 30;
/** Exposure = open receivables + placed-but-unpaid orders; the draft must fit the limit and nothing may be long overdue. */
export function checkCredit(f, draftTotalFen) {
    const exposureFen = f.openReceivablesFen + f.unpaidPlacedFen;
    const overLimitFen = Math.max(0, exposureFen + draftTotalFen - f.limitFen);
    const overdueFen = Math.max(0, f.overdueFen);
    return {
        ok: overLimitFen === 0 && overdueFen === 0,
        exposureFen,
        headroomFen: f.limitFen - exposureFen,
        overLimitFen,
        overdueFen,
        maxOverdueDays: overdueFen > 0 ? f.maxOverdueDays : 0,
        settleFen: Math.max(overLimitFen, overdueFen),
    };
}
//# sourceMappingURL=credit.rules.js.map