import { configKey, type ItemConfig } from '../catalog/options.js';
import type { DraftView } from './order.types.js';

/** One line of "what changed", as echoed to the dealer after every change. */
export type DraftDiff =
  | { kind: 'added'; name: string; qty: number; unit: string }
  | { kind: 'removed'; name: string; qty: number; unit: string }
  | { kind: 'qty'; name: string; from: number; to: number; unit: string }
  | { kind: 'same'; name: string; qty: number; unit: string }
  | { kind: 'config'; name: string; from: ItemConfig; to: ItemConfig }
  | { kind: 'date'; from: string | null; to: string | null; by: boolean };

/** What a change did to the draft, line by line in the draft's order, then the date. */
export function diffDrafts(before: DraftView, after: DraftView): DraftDiff[] {
  const out: DraftDiff[] = [];
  const old = new Map(before.lines.map((l) => [l.sku, l]));
  for (const l of after.lines) {
    const was = old.get(l.sku);
    if (!was) out.push({ kind: 'added', name: l.name, qty: l.qty, unit: l.unit });
    else if (was.qty !== l.qty) out.push({ kind: 'qty', name: l.name, from: was.qty, to: l.qty, unit: l.unit });
    else if (was.config && l.config && configKey(was.config) !== configKey(l.config))
      out.push({ kind: 'config', name: l.name, from: was.config, to: l.config });
    else out.push({ kind: 'same', name: l.name, qty: l.qty, unit: l.unit });
  }
  const kept = new Set(after.lines.map((l) => l.sku));
  for (const l of before.lines) {
    if (!kept.has(l.sku)) out.push({ kind: 'removed', name: l.name, qty: l.qty, unit: l.unit });
  }
  if (before.deliveryDate !== after.deliveryDate || (after.deliveryBy ?? false) !== (before.deliveryBy ?? false)) {
    out.push({ kind: 'date', from: before.deliveryDate, to: after.deliveryDate, by: after.deliveryBy ?? false });
  }
  return out;
}

/** Quantities multiplied ("数量翻倍"): null when a result would not be a whole number (asked back, not rounded). */
export function multiplied(qty: number, factor: number): number | null {
  const q = qty * factor;
  return Number.isInteger(q) && q > 0 ? q : null;
}
