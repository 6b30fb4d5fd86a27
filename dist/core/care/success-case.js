/** 2 points per shared tag, 1 for the same tier; a case must share a tag or the tier to be worth sending. */
export function caseMatchScore(c, dealer) {
    const shared = c.tags.filter((t) => dealer.tags.includes(t)).length;
    return 2 * shared + (c.tier === dealer.tier ? 1 : 0);
}
/** The best-matching case not sent to this dealer before and not about the dealer itself (ties: lowest id). */
export function pickSuccessCase(cases, dealer, sentCaseIds) {
    let best = null;
    let bestScore = 0;
    for (const c of cases) {
        if (sentCaseIds.has(c.id) || c.dealerCode === dealer.code)
            continue;
        const s = caseMatchScore(c, dealer);
        if (s > bestScore || (s === bestScore && s > 0 && best !== null && c.id < best.id)) {
            best = c;
            bestScore = s;
        }
    }
    return best;
}
//# sourceMappingURL=success-case.js.map