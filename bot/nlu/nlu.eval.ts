import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import {
  DEFAULT_TRAIN,
  type IntentModel,
  type Thresholds,
  type TrainOptions,
  shippedIntentModel,
  stratifiedFolds,
  toExamples,
  trainIntentModel,
} from './intent.model.js';
import { parseIntent } from './intent.rules.js';
import { needsClarification, parse } from './parser.js';
import type { Awaiting, ItemSlot, ParseContext, ParseResult } from './nlu.types.js';
import { intentOf } from './nlu.types.js';

/** One line of an evaluation file (format in NLU.md). */
export interface EvalLine {
  text: string;
  intent: string;
  slots: Record<string, unknown>;
  context?: { awaiting?: Awaiting };
  sender?: 'dealer' | 'manager';
  /** The second requests in the message, in order (NLU.md); scored apart from `intent`/`slots`. */
  also?: Array<{ intent: string; slots?: Record<string, unknown> }>;
}

export type Parser = (text: string, ctx: ParseContext) => ParseResult;

export interface Mismatch {
  text: string;
  expected: { intent: string; slots: Record<string, unknown> };
  got: { intent: string; slots: Record<string, unknown> };
}

export interface EvalReport {
  n: number;
  intentAccuracy: number;
  slotAccuracy: number;
  mismatches: Mismatch[];
  /** The predicted intent of every line, in order. */
  predicted: string[];
  /**
   * Second requests, which `intentAccuracy` cannot see (a dropped question scores as right): lines labelled with
   * `also` whose predicted `also` intents are the same list, and lines labelled without one that got one anyway.
   */
  also: { labelled: number; matched: number; spurious: number; accuracy: number; misses: AlsoMiss[] };
}

/** A line whose second requests were not read as labelled: the intents wanted and got, in order. */
export interface AlsoMiss {
  text: string;
  expected: string[];
  got: string[];
}

/** Relative dates of the evaluation files resolve against this instant (NLU.md). */
export const DEFAULT_EVAL_NOW = new Date('2026-11-26T12:00:00+08:00');

export function parseEvalJsonl(text: string): EvalLine[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        const o = JSON.parse(l) as EvalLine;
        return { ...o, slots: o.slots ?? {} };
      } catch {
        throw new Error(`line ${i + 1}: invalid JSON`);
      }
    });
}

/** Configured-item fields, compared only where the expected item has them (NLU.md). */
const CONFIG_FIELDS = ['width_mm', 'height_mm', 'glass', 'opening', 'color'] as const;

function itemsEqual(expected: unknown, got: unknown): boolean {
  if (!Array.isArray(expected) || !Array.isArray(got) || expected.length !== got.length) return false;
  return expected.every((e: ItemSlot, i) => {
    const g = got[i] as ItemSlot;
    // sku, qty and unit in order; a field the file leaves out (stock questions have no qty) is not compared.
    return (
      e.sku === g.sku &&
      (e.qty === undefined || e.qty === g.qty) &&
      (e.unit === undefined || e.unit === g.unit) &&
      CONFIG_FIELDS.every((k) => e[k] === undefined || e[k] === g[k])
    );
  });
}

/** Free-text slots: equal after removing spaces, as containment either way (NLU.md). */
const FREE_TEXT = new Set(['course', 'campaign', 'dealer_name']);

function freeTextEqual(expected: unknown, got: unknown): boolean {
  if (typeof expected !== 'string' || typeof got !== 'string') return expected === got;
  const e = expected.replace(/\s+/g, '');
  const g = got.replace(/\s+/g, '');
  return e === g || (e !== '' && g !== '' && (e.includes(g) || g.includes(e)));
}

/** Every expected slot equals the prediction; extra predicted slots are ignored. */
export function slotsMatch(expected: Record<string, unknown>, got: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'items') {
      if (!itemsEqual(value, got.items)) return false;
    } else if (FREE_TEXT.has(key)) {
      if (!freeTextEqual(value, got[key])) return false;
    } else if (got[key] !== value) return false;
  }
  return true;
}

/** Scores a parser on labelled lines exactly as NLU.md says. */
export function evaluate(lines: readonly EvalLine[], parser: Parser, now: Date = DEFAULT_EVAL_NOW): EvalReport {
  return evaluateResults(
    lines,
    lines.map((line) => parser(line.text, evalContext(line, now))),
  );
}

/** The context the conversation would pass for this line. */
export function evalContext(line: EvalLine, now: Date = DEFAULT_EVAL_NOW): ParseContext {
  const ctx: ParseContext = { sender: line.sender ?? 'dealer', now };
  if (line.context?.awaiting) ctx.awaiting = line.context.awaiting;
  return ctx;
}

/** Scores results already computed, one per line in order. */
export function evaluateResults(lines: readonly EvalLine[], results: readonly ParseResult[]): EvalReport {
  let intentOk = 0;
  let slotLines = 0;
  let slotOk = 0;
  const mismatches: Mismatch[] = [];
  const predicted: string[] = [];
  const also = { labelled: 0, matched: 0, spurious: 0, misses: [] as AlsoMiss[] };
  lines.forEach((line, i) => {
    const r = results[i]!;
    const intent = intentOf(r);
    predicted.push(intent);
    const slots = (r.kind === 'unknown' ? {} : r.slots) as Record<string, unknown>;
    const gotAlso = (r.kind === 'unknown' ? [] : (r.slots.also ?? [])).map((a) => a.intent);
    const wantAlso = (line.also ?? []).map((a) => a.intent);
    if (wantAlso.join() !== gotAlso.join()) also.misses.push({ text: line.text, expected: wantAlso, got: gotAlso });
    if (wantAlso.length > 0) {
      also.labelled++;
      if (wantAlso.join() === gotAlso.join()) also.matched++;
    } else if (gotAlso.length > 0) also.spurious++;
    const iOk = intent === line.intent;
    if (iOk) intentOk++;
    let sOk = true;
    if (Object.keys(line.slots).length > 0) {
      slotLines++;
      sOk = slotsMatch(line.slots, slots);
      if (sOk) slotOk++;
    }
    if (!iOk || !sOk) {
      mismatches.push({
        text: line.text,
        expected: { intent: line.intent, slots: line.slots },
        got: { intent, slots },
      });
    }
  });
  const n = lines.length;
  return {
    n,
    intentAccuracy: n === 0 ? 0 : round4(intentOk / n),
    slotAccuracy: slotLines === 0 ? 1 : round4(slotOk / slotLines),
    mismatches,
    predicted,
    also: { ...also, accuracy: also.labelled === 0 ? 1 : round4(also.matched / also.labelled) },
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export interface IntentScore {
  intent: string;
  /** Lines labelled with this intent. */
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Confusion {
  expected: string;
  got: string;
  count: number;
}

/** Per-intent precision/recall/F1 and the confusions, most frequent first. */
export function intentBreakdown(
  expected: readonly string[],
  predicted: readonly string[],
): { perIntent: IntentScore[]; confusions: Confusion[] } {
  const labels = [...new Set([...expected, ...predicted])].sort();
  const tp = new Map<string, number>();
  const gold = new Map<string, number>();
  const pred = new Map<string, number>();
  const conf = new Map<string, number>();
  const inc = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  expected.forEach((e, i) => {
    const p = predicted[i]!;
    inc(gold, e);
    inc(pred, p);
    if (e === p) inc(tp, e);
    else inc(conf, `${e}\t${p}`);
  });
  const perIntent = labels.map((intent) => {
    const t = tp.get(intent) ?? 0;
    const precision = (pred.get(intent) ?? 0) === 0 ? 0 : t / pred.get(intent)!;
    const recall = (gold.get(intent) ?? 0) === 0 ? 0 : t / gold.get(intent)!;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return {
      intent,
      support: gold.get(intent) ?? 0,
      precision: round4(precision),
      recall: round4(recall),
      f1: round4(f1),
    };
  });
  const confusions = [...conf.entries()]
    .map(([key, count]) => {
      const [e, g] = key.split('\t');
      return { expected: e!, got: g!, count };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected) || a.got.localeCompare(b.got));
  return { perIntent, confusions };
}

export interface CrossValidation {
  k: number;
  folds: Array<{ n: number; intentAccuracy: number; slotAccuracy: number }>;
  /** Mean over folds. */
  intentAccuracy: number;
  slotAccuracy: number;
  /** Every line scored once, in its fold. */
  lines: EvalLine[];
  report: EvalReport;
}

/**
 * k-fold cross-validation on a labelled corpus: per fold the model is trained on the other folds (rules
 * unchanged) and the fold is parsed with rules + that model. Folds are stratified by intent and seeded.
 */
export function crossValidate(
  lines: readonly EvalLine[],
  k: number,
  matcher: CatalogMatcher,
  options: { seed?: number; train?: TrainOptions; thresholds?: Thresholds; now?: Date } = {},
): CrossValidation {
  const now = options.now ?? DEFAULT_EVAL_NOW;
  const fold = stratifiedFolds(
    lines.map((l) => l.intent),
    k,
    options.seed ?? 7,
  );
  const examples = toExamples(lines, matcher);
  const folds: CrossValidation['folds'] = [];
  const scored: EvalLine[] = [];
  const results: ParseResult[] = [];
  for (let f = 0; f < k; f++) {
    const model = trainIntentModel(
      examples.filter((_, i) => fold[i] !== f),
      options.train ?? DEFAULT_TRAIN,
    );
    if (options.thresholds) model.thresholds = options.thresholds;
    const test = lines.filter((_, i) => fold[i] === f);
    const foldResults = test.map((l) => parse(l.text, evalContext(l, now), matcher, model));
    const r = evaluateResults(test, foldResults);
    folds.push({ n: r.n, intentAccuracy: r.intentAccuracy, slotAccuracy: r.slotAccuracy });
    scored.push(...test);
    results.push(...foldResults);
  }
  const mean = (xs: number[]) => round4(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  return {
    k,
    folds,
    intentAccuracy: mean(folds.map((f) => f.intentAccuracy)),
    slotAccuracy: mean(folds.map((f) => f.slotAccuracy)),
    lines: scored,
    report: evaluateResults(scored, results),
  };
}

/** The rule parser over a catalog CSV text: one matcher for all messages. */
export function ruleParserFromCsv(csv: string): Parser {
  const matcher = new CatalogMatcher(parseCatalogCsv(csv));
  return (text, ctx) => parseIntent(text, ctx, matcher);
}

export const DEFAULT_CATALOG_PATH = new URL('../../db/seed/data/catalog.csv', import.meta.url).pathname;

/**
 * `nlu-eval FILE.jsonl [--now ISO] [--catalog CSV] [--rules] [--cv K [--seed N]] [--report]`: prints one line per
 * mismatch, then as the LAST line the JSON `{"n":…,"intentAccuracy":…,"slotAccuracy":…}` (plus, with --cv, the
 * folds). Rules + the committed model by default; `--rules` for the rules alone. `--cv K` retrains the model per
 * fold on FILE (rules unchanged). `--report` adds per-intent precision/recall/F1 and the top confusions.
 */
export async function runNluEvalCli(
  argv: readonly string[],
  readFile: (path: string) => string | Promise<string>,
  print: (line: string) => void,
  parser?: Parser,
): Promise<number> {
  let file: string | undefined;
  let now = DEFAULT_EVAL_NOW;
  let catalogPath = DEFAULT_CATALOG_PATH;
  let cv = 0;
  let seed = 7;
  let rulesOnly = false;
  let report = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--now' || a === '--catalog' || a === '--cv' || a === '--seed') {
      const v = argv[++i];
      if (v === undefined) {
        print(`nlu-eval: ${a} needs a value`);
        return 2;
      }
      if (a === '--catalog') catalogPath = v;
      else if (a === '--cv' || a === '--seed') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < (a === '--cv' ? 2 : 0)) {
          print(`nlu-eval: invalid ${a} ${v}`);
          return 2;
        }
        if (a === '--cv') cv = n;
        else seed = n;
      } else {
        now = new Date(v);
        if (Number.isNaN(now.getTime())) {
          print(`nlu-eval: invalid --now ${v}`);
          return 2;
        }
      }
    } else if (a.startsWith('--now=')) now = new Date(a.slice(6));
    else if (a === '--rules') rulesOnly = true;
    else if (a === '--report') report = true;
    else if (a === '--') continue;
    else file ??= a;
  }
  if (!file) {
    print('usage: nlu-eval FILE.jsonl [--now ISO] [--catalog catalog.csv] [--rules] [--cv K [--seed N]] [--report]');
    return 2;
  }
  const lines = parseEvalJsonl(await readFile(file));
  const matcher = new CatalogMatcher(parseCatalogCsv(await readFile(catalogPath)));
  if (cv > 0) {
    if (cv > lines.length) {
      print(`nlu-eval: --cv ${cv} needs at least ${cv} lines`);
      return 2;
    }
    const shipped = loadShipped();
    const result = crossValidate(lines, cv, matcher, {
      seed,
      now,
      ...(shipped ? { train: shipped.options, thresholds: shipped.thresholds } : {}),
    });
    printMismatches(result.report, print);
    if (report) printBreakdown(result.lines, result.report, print);
    result.folds.forEach((f, i) => {
      print(`fold ${i + 1}/${cv}: n=${f.n} intent=${f.intentAccuracy} slots=${f.slotAccuracy}`);
    });
    print(
      JSON.stringify({
        n: lines.length,
        intentAccuracy: result.intentAccuracy,
        slotAccuracy: result.slotAccuracy,
        k: cv,
        folds: result.folds,
      }),
    );
    return 0;
  }
  const model = rulesOnly ? null : loadShipped();
  const p: Parser = parser ?? ((text, ctx) => parse(text, ctx, matcher, model));
  const results = lines.map((l) => p(l.text, evalContext(l, now)));
  const r = evaluateResults(lines, results);
  printMismatches(r, print);
  if (report) {
    printBreakdown(lines, r, print);
    for (const m of r.also.misses) print(`ALSO ${m.text}\texpected [${m.expected}]\tgot [${m.got}]`);
  }
  const summary: Record<string, number> = { n: r.n, intentAccuracy: r.intentAccuracy, slotAccuracy: r.slotAccuracy };
  if (r.also.labelled > 0 || r.also.spurious > 0) {
    summary.alsoAccuracy = r.also.accuracy;
    summary.alsoSpurious = r.also.spurious;
  }
  if (report && model && !parser) {
    const asked = results.filter((x) => needsClarification(x, model)).length;
    summary.askRate = r.n === 0 ? 0 : round4(asked / r.n);
  }
  print(JSON.stringify(summary));
  return 0;
}

function loadShipped(): IntentModel | null {
  try {
    return shippedIntentModel();
  } catch {
    return null; // no committed model yet: rules alone
  }
}

function printMismatches(r: EvalReport, print: (line: string) => void) {
  for (const m of r.mismatches) {
    print(`MISMATCH ${m.text}\texpected ${JSON.stringify(m.expected)}\tgot ${JSON.stringify(m.got)}`);
  }
}

function printBreakdown(lines: readonly EvalLine[], r: EvalReport, print: (line: string) => void) {
  const { perIntent, confusions } = intentBreakdown(
    lines.map((l) => l.intent),
    r.predicted,
  );
  const w = Math.max(6, ...perIntent.map((s) => s.intent.length));
  print(`${'intent'.padEnd(w)}  support  precision  recall      f1`);
  for (const s of perIntent) {
    print(
      `${s.intent.padEnd(w)}  ${String(s.support).padStart(7)}  ${s.precision.toFixed(4).padStart(9)}  ${s.recall
        .toFixed(4)
        .padStart(6)}  ${s.f1.toFixed(4).padStart(6)}`,
    );
  }
  print('top confusions (expected → got):');
  for (const c of confusions.slice(0, 15)) print(`  ${c.count}× ${c.expected} → ${c.got}`);
}
