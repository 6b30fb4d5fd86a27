/**
 * Rule-parser throughput: the dev set parsed many times on one core, against two baselines in the same run —
 * (a) a naive matcher that builds and runs one regex per product per message, (b) the real parser with a fresh
 * CatalogMatcher per message (what precomputed indexes save). Run: npm run bench:nlu
 */
import { readFileSync } from 'node:fs';
import { parseCatalogCsv } from '../core/catalog/catalog.csv.js';
import type { Product } from '../core/catalog/catalog.types.js';
import { CatalogMatcher } from '../bot/nlu/catalog.matcher.js';
import { parseIntent } from '../bot/nlu/intent.rules.js';
import { DEFAULT_CATALOG_PATH, DEFAULT_EVAL_NOW, evaluate, parseEvalJsonl } from '../bot/nlu/nlu.eval.js';
import type { ParseContext } from '../bot/nlu/nlu.types.js';
import { normalize } from '../bot/nlu/normalize.js';

const REPEAT = Number(process.env.NLU_BENCH_REPEAT ?? 500);
const BASELINE_REPEAT = Math.max(1, Math.round(REPEAT / 40));
const TARGET = 50_000;

const products = parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8'));
const lines = parseEvalJsonl(readFileSync(new URL('../test/fixtures/nlu-dev.jsonl', import.meta.url), 'utf8'));
const inputs = lines.map((l) => {
  const ctx: ParseContext = { sender: l.sender ?? 'dealer', now: DEFAULT_EVAL_NOW };
  if (l.context?.awaiting) ctx.awaiting = l.context.awaiting;
  return { text: l.text, ctx };
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Baseline (a): per message, per product, a regex over all its names and aliases. */
function naiveFind(text: string, catalog: readonly Product[]): string[] {
  const t = normalize(text);
  const found: string[] = [];
  for (const p of catalog) {
    const words = [p.sku, p.name, ...p.aliases, p.series].map((w) => escapeRe(normalize(w)));
    if (new RegExp(words.join('|'), 'i').test(t)) found.push(p.sku);
  }
  return found;
}

function run(name: string, repeat: number, fn: (text: string, ctx: ParseContext) => unknown) {
  for (let w = 0; w < 20; w++) for (const i of inputs) fn(i.text, i.ctx); // warm-up: JIT, pinyin cache
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < repeat; r++) for (const i of inputs) sink += fn(i.text, i.ctx) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const messages = repeat * inputs.length;
  if (sink !== messages) throw new Error('parser returned nothing');
  return { name, messages, seconds, rate: messages / seconds };
}

const matcher = new CatalogMatcher(products);
const accuracy = evaluate(lines, (t, c) => parseIntent(t, c, matcher));

const rows = [
  run('rule parser (shared matcher)', REPEAT, (t, c) => parseIntent(t, c, matcher)),
  run('baseline: naive regex per product', BASELINE_REPEAT, (t, c) => {
    naiveFind(t, products);
    return parseIntent(t, c, matcher); // same intent rules, so the difference is the matcher
  }),
  run('baseline: fresh matcher per message', BASELINE_REPEAT, (t, c) =>
    parseIntent(t, c, new CatalogMatcher(products)),
  ),
];

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const best = rows[0]!.rate;
console.log(
  `NLU rule parser — dev set ${inputs.length} messages, ${REPEAT}× (baselines ${BASELINE_REPEAT}×), one core`,
);
console.log(`dev accuracy: intent ${accuracy.intentAccuracy}, slots ${accuracy.slotAccuracy}\n`);
const header = ['variant', 'messages', 'seconds', 'msgs/s', 'vs rule parser'];
const table = rows.map((r) => [
  r.name,
  fmt(r.messages),
  fmt(r.seconds, 3),
  fmt(r.rate),
  `${fmt(best / r.rate, 1)}× slower`,
]);
table[0]![4] = '1.0×';
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log(`\ntarget ≥ ${fmt(TARGET)} msgs/s: ${best >= TARGET ? 'met' : 'NOT met'}`);
