import type { ImportResult } from './types.js';

/** The contract's summary object (DESIGN.md "Imports"): exactly these keys, in this order. */
export function importSummary(r: ImportResult) {
  const { entity, rows, inserted, updated, unchanged, errors } = r;
  return { entity, rows, inserted, updated, unchanged, errors };
}
