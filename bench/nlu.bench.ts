/**
 * Parser throughput on one core: the rules alone and rules + the trained intent model (as shipped, and with the
 * model asked on every message), on the dev set and on the corpus, against two baselines in the same run —
 * (a) a naive matcher that builds and runs one regex per product per message, (b) the rule parser with a fresh
 * CatalogMatcher per message (what precomputed indexes save). Run: npm run bench:nlu
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseCatalogCsv } from '../core/catalog/catalog.csv.js';
import type { Product } from '../core/catalog/catalog.types.js';
import { CatalogMatcher } from '../bot/nlu/catalog.matcher.js';
import { shippedIntentModel } from '../bot/nlu/intent.model.js';
import { parseIntent } from '../bot/nlu/intent.rules.js';
import { DEFAULT_CORPUS_PATH } from '../bot/nlu/intent.train.js';
import { DEFAULT_CATALOG_PATH, DEFAULT_EVAL_NOW, evaluate, parseEvalJsonl } from '../bot/nlu/nlu.eval.js';
import type { ParseContext } from '../bot/nlu/nlu.types.js';
import { normalize } from '../bot/nlu/normalize.js';
import { allowedFor, parse } from '../bot/nlu/parser.js';

const REPEAT = Number(process.env.NLU_BENCH_REPEAT ?? 500);
const BASELINE_REPEAT = Math.max(1, Math.round(REPEAT / 40));
const TARGET_RULES = 50_000;
const TARGET_MODEL = 30_000;

const products = parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8'));
const devLines = parseEvalJsonl(readFileSync(new URL('../test/fixtures/nlu-dev.jsonl', import.meta.url), 'utf8'));
const corpusLines = existsSync(DEFAULT_CORPUS_PATH) ? parseEvalJsonl(readFileSync(DEFAULT_CORPUS_PATH, 'utf8')) : [];
const toInputs = (ls: typeof devLines) =>
  ls.map((l) => {
    const ctx: ParseContext = { sender: l.sender ?? 'dealer', now: DEFAULT_EVAL_NOW };
    if (l.context?.awaiting) ctx.awaiting = l.context.awaiting;
    return { text: l.text, ctx };
  });
let inputs = toInputs(devLines);
const lines = devLines;

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
const model = shippedIntentModel();
// Upper bound: the shipped parser plus one more model ranking of every message, as if the rules were never sure.
const alwaysModel = (t: string, c: ParseContext) => {
  const r = parse(t, c, matcher, model);
  model.rank(t, c, matcher, allowedFor(c.sender));
  return r;
};
const accuracy = evaluate(lines, (t, c) => parseIntent(t, c, matcher));
const combinedAccuracy = evaluate(lines, (t, c) => parse(t, c, matcher, model));

const modelRows: Array<ReturnType<typeof run>> = [];
if (corpusLines.length > 0) {
  const saved = inputs;
  inputs = toInputs(corpusLines);
  const repeat = Math.max(1, Math.round((REPEAT * saved.length) / inputs.length));
  modelRows.push(
    run(`corpus (${inputs.length}): rules alone`, repeat, (t, c) => parseIntent(t, c, matcher)),
    run(`corpus (${inputs.length}): rules + model`, repeat, (t, c) => parse(t, c, matcher, model)),
    run(`corpus (${inputs.length}): + model ranking of every message`, repeat, alwaysModel),
  );
  inputs = saved;
}

const rows = [
  run('rule parser (shared matcher)', REPEAT, (t, c) => parseIntent(t, c, matcher)),
  run('rules + model (shipped parser)', REPEAT, (t, c) => parse(t, c, matcher, model)),
  run('rules + model, + model ranking of every message', REPEAT, alwaysModel),
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
rows.push(...modelRows);
console.log(`NLU parser — dev set ${inputs.length} messages, ${REPEAT}× (baselines ${BASELINE_REPEAT}×), one core`);
console.log(`dev accuracy, rules: intent ${accuracy.intentAccuracy}, slots ${accuracy.slotAccuracy}`);
console.log(
  `dev accuracy, rules + model: intent ${combinedAccuracy.intentAccuracy}, slots ${combinedAccuracy.slotAccuracy}\n`,
);
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
const worst = (names: string[]) =>
  Math.min(...rows.filter((r) => names.some((n) => r.name.endsWith(n))).map((r) => r.rate));
const rules = worst(['rule parser (shared matcher)', 'rules alone']);
const combined = worst(['rules + model (shipped parser)', ': rules + model']);
console.log(
  `\nrules alone ≥ ${fmt(TARGET_RULES)} msgs/s: ${rules >= TARGET_RULES ? 'met' : 'NOT met'} (${fmt(rules)})`,
);
console.log(
  `rules + model ≥ ${fmt(TARGET_MODEL)} msgs/s: ${combined >= TARGET_MODEL ? 'met' : 'NOT met'} (${fmt(combined)})`,
);
