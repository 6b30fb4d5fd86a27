/** Natural-key formats the import contract fixes (DESIGN.md "Contracts"). */
export const DEALER_CODE = /^D\d{4}$/;
export const MANAGER_CODE = /^M\d{3}$/;
// Two digits (D0001-S01): K's demo tops out at 90 stores a dealer; from the 100th (10× scale: 153) three digits.
export const STORE_CODE = /^(D\d{4})-S(?:\d{2}|[1-9]\d{2})$/;
export const ORDER_NO = /^SO\d{12}$/;

/** The n-th store (1-based, ≤ 999) of a dealer: `storeCode('D0001', 1)` = 'D0001-S01'. */
export function storeCode(dealerCode: string, n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`store number ${n} outside 1..999`);
  return `${dealerCode}-S${String(n).padStart(2, '0')}`;
}

/** The dealer a store code belongs to ('D0001-S01' → 'D0001'), or null for a malformed code. */
export function storeDealer(code: string): string | null {
  return STORE_CODE.exec(code)?.[1] ?? null;
}
