import type { Tier } from '../policies/policy.types.js';

export interface SuccessCase {
  id: number;
  title: string;
  body: string;
  tags: readonly string[];
  tier: Tier | null;
  dealerCode: string | null;
  /** The case dealer's latest honours (titles), shown with the case. */
  honours?: readonly string[];
}

/** Who a case is matched to: a dealer's code, tier and tags. */
export interface CaseReader {
  code: string;
  tier: Tier;
  tags: readonly string[];
}

/** 2 points per shared tag, 1 for the same tier; a case must share a tag or the tier to be worth sending. */
export function caseMatchScore(c: SuccessCase, dealer: { tier: Tier; tags: readonly string[] }): number {
  const shared = c.tags.filter((t) => dealer.tags.includes(t)).length;
  return 2 * shared + (c.tier === dealer.tier ? 1 : 0);
}

/**
 * The one success-case rule, for the weekly push and the chat alike: cases sharing a tag or the tier with the
 * dealer, best first (ties: lowest id), never one about the dealer itself nor one in `exclude` (sent before).
 */
export function rankSuccessCases(
  cases: readonly SuccessCase[],
  dealer: CaseReader,
  exclude: ReadonlySet<number> = new Set(),
): SuccessCase[] {
  return cases
    .filter((c) => !exclude.has(c.id) && c.dealerCode !== dealer.code)
    .map((c) => ({ c, score: caseMatchScore(c, dealer) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.c.id - b.c.id)
    .map((x) => x.c);
}

/** The best-matching case not sent to this dealer before (null: none worth sending). */
export function pickSuccessCase(
  cases: readonly SuccessCase[],
  dealer: CaseReader,
  sentCaseIds: ReadonlySet<number>,
): SuccessCase | null {
  return rankSuccessCases(cases, dealer, sentCaseIds)[0] ?? null;
}

/** The cases a dealer asks for in the chat, by the same rule; without a dealer profile (a manager) the first ones. */
export function successCasesFor(cases: readonly SuccessCase[], dealer: CaseReader | null, limit = 2): SuccessCase[] {
  return (dealer ? rankSuccessCases(cases, dealer) : cases).slice(0, limit);
}
