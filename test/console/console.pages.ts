/**
 * The console's pages, listed once: the inject tests (console.test.ts) open each for every role, bench:console times
 * each. Detail pages (one dealer, need or policy) take a code and are added where one is known.
 */

/** Pages both HQ and an account manager have (a manager's cut to their own dealers). */
export const SHARED_PAGES = [
  '/console',
  '/console/dealers',
  '/console/needs',
  '/console/followups',
  '/console/campaigns',
  '/console/cadence',
  '/console/kf',
] as const;

/** The dealer list filtered: by tier and activity, and the silent dealers (no order for 90 days). */
export const DEALER_FILTER_PAGES = ['/console/dealers?tier=core&silent=0', '/console/dealers?silent=1'] as const;

/** HQ's own sections: 404 for a manager. */
export const HQ_ONLY_PAGES = [
  '/console/policies',
  '/console/tiers',
  '/console/imports',
  '/console/conversations',
  '/console/jobs',
  '/console/audit',
  '/console/statements',
  '/console/training',
  '/console/honours',
] as const;

/** Every list page HQ opens. */
export const HQ_PAGES = [...SHARED_PAGES, ...DEALER_FILTER_PAGES, ...HQ_ONLY_PAGES] as const;

export const dealerPage = (code: string) => `/console/dealers/${code}`;
