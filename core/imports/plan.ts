import type { EntitySpec } from './entity.types.js';

export type Verdict = 'insert' | 'update' | 'unchanged' | 'older';

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return (a ?? null) === (b ?? null);
}

/** The record an apply writes: undefined fields from the stored record (update) or the spec's defaults (insert). */
export function complete<R extends object>(spec: EntitySpec<R>, rec: R, stored: R | undefined): R {
  const out: Record<string, unknown> = { ...(stored ?? spec.defaults) };
  for (const [k, v] of Object.entries(rec)) if (v !== undefined) out[k] = v;
  return out as R;
}

/**
 * What importing `rec` does given the stored record with the same natural key: insert, update, nothing
 * (unchanged), or nothing because the row is older than what is stored (by the source's modified time).
 *
 * @example
 * decide(SPECS['hq-stock'], { sku: 'KW-N60', onHand: 5, modifiedAt: '2026-11-01T00:00:00.000Z' },
 *   { sku: 'KW-N60', onHand: 9, modifiedAt: '2026-11-20T00:00:00.000Z' }).verdict; // 'older'
 */
export function decide<R extends object>(
  spec: EntitySpec<R>,
  rec: R,
  stored: R | undefined,
): { verdict: Verdict; record: R } {
  const record = complete(spec, rec, stored);
  if (!stored) return { verdict: 'insert', record };
  const incoming = spec.modifiedAt?.(rec);
  const current = spec.modifiedAt?.(stored);
  if (incoming && current && incoming < current) return { verdict: 'older', record: stored };
  const changed = spec.compare.some((f) => !same(record[f], stored[f]));
  return { verdict: changed ? 'update' : 'unchanged', record };
}
