/** Receivables overdue by more than this many days block new orders. */
export const OVERDUE_BLOCK_DAYS = 30;

export interface CreditFacts {
  limitFen: number;
  /** Receivables still open (amount − paid). */
  openReceivablesFen: number;
  /** Orders placed but neither paid nor invoiced as a receivable yet. */
  unpaidPlacedFen: number;
  /** Open amount of receivables overdue by more than OVERDUE_BLOCK_DAYS. */
  overdueFen: number;
  /** Days past due of the oldest such receivable (0 when none). */
  maxOverdueDays: number;
}

export interface CreditCheck {
  ok: boolean;
  /** Exposure before the draft. */
  exposureFen: number;
  /** Credit left before the draft (may be negative). */
  headroomFen: number;
  overLimitFen: number;
  overdueFen: number;
  maxOverdueDays: number;
  /** What the dealer must pay to place this draft: covers both the overdue amount and the excess. */
  settleFen: number;
}

/** Exposure = open receivables + placed-but-unpaid orders; the draft must fit the limit and nothing may be long overdue. */
export function checkCredit(f: CreditFacts, draftTotalFen: number): CreditCheck {
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
