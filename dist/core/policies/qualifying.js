import { inPeriod, shanghaiDate } from './dates.js';
const NOT_COUNTED_STATUSES = new Set(['cancelled', 'canceled', 'draft']);
/**
 * Sums the order lines that count for a policy: inside its period, not excluded, not cancelled. Rebates are earned
 * on what the dealer actually pays: a line counts net of its promotion discount (`amountFen − discountFen`), so a
 * 满减 and a ladder rebate are never both granted on the same fen.
 */
export function qualifyingAmount(lines, basis) {
    const excluded = new Set(basis.excludeCategories ?? []);
    let amount = 0;
    let excludedFen = 0;
    let cancelledFen = 0;
    let countedLines = 0;
    for (const line of lines) {
        const discount = line.discountFen ?? 0;
        if (!Number.isSafeInteger(line.amountFen) || !Number.isSafeInteger(discount) || discount < 0)
            throw new RangeError('order line amount and discount must be integer fen');
        const net = line.amountFen - discount;
        if (!inPeriod(shanghaiDate(line.placedAt), basis.period))
            continue;
        const status = line.orderStatus.toLowerCase();
        if (NOT_COUNTED_STATUSES.has(status)) {
            if (status !== 'draft')
                cancelledFen += net;
            continue;
        }
        if (excluded.has(line.category)) {
            excludedFen += net;
            continue;
        }
        amount += net;
        countedLines++;
    }
    return { amountFen: Math.max(0, amount), excludedFen, cancelledFen, countedLines };
}
//# sourceMappingURL=qualifying.js.map