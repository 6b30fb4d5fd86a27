import { configKey, type ItemConfig } from '../catalog/options.js';
import type { DraftView } from './order.types.js';

/**
 * One line of "what changed", as echoed to the dealer after every change. `config` tells a product's made-to-size
 * lines apart when the draft holds several of them (N60 1200×1500 and N60 1500×1800).
 */
export type DraftDiff =
  | { kind: 'added'; name: string; qty: number; unit: string; config?: ItemConfig }
  | { kind: 'removed'; name: string; qty: number; unit: string; config?: ItemConfig }
  | { kind: 'qty'; name: string; from: number; to: number; unit: string; config?: ItemConfig }
  | { kind: 'same'; name: string; qty: number; unit: string; config?: ItemConfig }
  | { kind: 'config'; name: string; from: ItemConfig; to: ItemConfig }
  | { kind: 'date'; from: string | null; to: string | null; by: boolean };

type Line = DraftView['lines'][number];

/** What a change did to the draft, line by line in the draft's order, then the date. */
export function diffDrafts(before: DraftView, after: DraftView): DraftDiff[] {
  const out: DraftDiff[] = [];
  // A product may have several made-to-size lines: a line is first paired with the one made the same way, then (its
  // size or options changed) with the product's first line left over.
  const key = (l: Line) => `${l.sku}#${configKey(l.config)}`;
  const unpaired = [...before.lines];
  const take = (i: number) => (i < 0 ? undefined : unpaired.splice(i, 1)[0]);
  const exact = new Map(after.lines.map((l) => [l, take(unpaired.findIndex((b) => key(b) === key(l)))]));
  const several = (sku: string) =>
    Math.max(...[before, after].map((v) => v.lines.filter((x) => x.sku === sku).length)) > 1;
  const which = (l: Line) => (l.config && several(l.sku) ? { config: l.config } : {});
  for (const l of after.lines) {
    const was = exact.get(l) ?? take(unpaired.findIndex((b) => b.sku === l.sku));
    if (!was) out.push({ kind: 'added', name: l.name, qty: l.qty, unit: l.unit, ...which(l) });
    else if (was.qty !== l.qty)
      out.push({ kind: 'qty', name: l.name, from: was.qty, to: l.qty, unit: l.unit, ...which(l) });
    else if (was.config && l.config && configKey(was.config) !== configKey(l.config))
      out.push({ kind: 'config', name: l.name, from: was.config, to: l.config });
    else out.push({ kind: 'same', name: l.name, qty: l.qty, unit: l.unit, ...which(l) });
  }
  for (const l of unpaired) out.push({ kind: 'removed', name: l.name, qty: l.qty, unit: l.unit, ...which(l) });
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
