/**
 * `npm run nlu:train [-- --corpus FILE] [--out FILE] [--cv K]`: trains the intent model on the labelled corpus and
 * writes bot/nlu/model/intent-model.json with the corpus's sha256. The combination thresholds are chosen first by
 * k-fold cross-validation on the same corpus (never on the dev or held-out files); then the model is trained on
 * all of it. Deterministic: the same corpus and catalog give the same file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import {
  DEFAULT_MODEL_PATH,
  DEFAULT_TRAIN,
  type IntentModel,
  type Scored,
  type Thresholds,
  type TrainOptions,
  stratifiedFolds,
  toExamples,
  trainIntentModel,
} from './intent.model.js';
import { parseIntent } from './intent.rules.js';
import {
  DEFAULT_CATALOG_PATH,
  DEFAULT_EVAL_NOW,
  type EvalLine,
  evalContext,
  evaluateResults,
  parseEvalJsonl,
} from './nlu.eval.js';
import type { Intent, ParseResult } from './nlu.types.js';
import { HIGH_PRECISION, allowedFor, combine, slotsForIntent, withCategory } from './parser.js';

export const DEFAULT_CORPUS_PATH = new URL('./corpus/intents.jsonl', import.meta.url).pathname;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Up to HIGH_PRECISION: a high-precision rule always stands.
const RULES_SURE = [0.5, 0.6, 0.7, 0.8, 0.85, HIGH_PRECISION];
// From 0.5: the model overrules a rule reading only when it is more likely right than not.
const MODEL_OVERRIDE = [0.5, 0.6, 0.7, 0.8, 0.9];
// The model overrules a sure rule only when it is very sure (1: never).
const MODEL_OVER_SURE = [1, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6];
// The category model overrules the rules' need category from this probability (undefined: never).
const CATEGORY_OVER = [undefined, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];
// The model says "not understood" over a rule reading only from this probability.
const UNKNOWN_OVER = [0.5, 0.6, 0.7, 0.8, 0.9, 1.01];
// From 0.3: a reading less likely than that is never acted on, whatever the corpus says (the utility below only
// picks how much more sure than that the model must be).
const ASK_BELOW = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8];
/** A wrong action costs this many right ones; a question costs nothing and gains nothing. */
const WRONG_COST = 2;

export interface ThresholdChoice {
  thresholds: Thresholds;
  /** Out-of-fold scores under the chosen thresholds. */
  intentAccuracy: number;
  slotAccuracy: number;
  askRate: number;
}

/**
 * Chooses the thresholds on out-of-fold predictions: per fold a model trained on the other folds ranks the
 * fold's lines; every (rulesSure, modelOverride) pair is replayed on those rankings and the best intent + slot
 * accuracy wins (ties keep the earlier, more rule-trusting pair). `askBelow` then maximises
 * right answers − WRONG_COST × wrong answers among the model-decided lines (a question scores 0).
 */
export function chooseThresholds(
  lines: readonly EvalLine[],
  matcher: CatalogMatcher,
  k = 5,
  options: TrainOptions = DEFAULT_TRAIN,
  seed = 7,
): ThresholdChoice {
  const fold = stratifiedFolds(
    lines.map((l) => l.intent),
    k,
    seed,
  );
  const examples = toExamples(lines, matcher);
  const ranked: Scored[][] = new Array(lines.length);
  const categories: Scored[][] = new Array(lines.length);
  const rules: ParseResult[] = new Array(lines.length);
  for (let f = 0; f < k; f++) {
    const model: IntentModel = trainIntentModel(
      examples.filter((_, i) => fold[i] !== f),
      options,
    );
    lines.forEach((l, i) => {
      if (fold[i] !== f) return;
      const ctx = evalContext(l, DEFAULT_EVAL_NOW);
      rules[i] = parseIntent(l.text, ctx, matcher);
      ranked[i] = model.rankClassText(examples[i]!.ct, ctx, allowedFor(ctx.sender));
      categories[i] = model.categories?.rankClassText(examples[i]!.ct, ctx) ?? [];
    });
  }
  const slotCache = new Map<string, ReturnType<typeof slotsForIntent>>();
  const slotsFor = (i: number) => (intent: Intent) => {
    const key = `${i}\t${intent}`;
    let s = slotCache.get(key);
    if (!s) {
      const l = lines[i]!;
      s = slotsForIntent(intent, l.text, evalContext(l, DEFAULT_EVAL_NOW), matcher);
      slotCache.set(key, s);
    }
    return s;
  };
  const replay = (t: Thresholds) =>
    lines.map((_, i) =>
      withCategory(
        combine(rules[i]!, () => ranked[i]!, t, slotsFor(i)),
        () => categories[i]!,
        t,
      ),
    );

  let best: { t: Thresholds; score: number } | undefined;
  for (const rulesSure of RULES_SURE) {
    for (const modelOverride of MODEL_OVERRIDE) {
      for (const modelOverSure of MODEL_OVER_SURE) {
        const t = { rulesSure, modelOverride, askBelow: 0, modelOverSure };
        const r = evaluateResults(lines, replay(t));
        const score = r.intentAccuracy + r.slotAccuracy;
        if (!best || score > best.score + 1e-9) best = { t, score };
      }
    }
  }
  for (const unknownOver of UNKNOWN_OVER) {
    const t = { ...best!.t, unknownOver };
    const r = evaluateResults(lines, replay(t));
    const score = r.intentAccuracy + r.slotAccuracy;
    if (score > best!.score + 1e-9) best = { t, score };
  }
  let chosen: Thresholds = best!.t;
  let bestSlots = -1;
  for (const categoryOver of CATEGORY_OVER) {
    const t = categoryOver === undefined ? best!.t : { ...best!.t, categoryOver };
    const r = evaluateResults(lines, replay(t));
    if (r.slotAccuracy > bestSlots + 1e-9) {
      bestSlots = r.slotAccuracy;
      chosen = t;
    }
  }
  for (const categoryOverOther of CATEGORY_OVER) {
    if (categoryOverOther === undefined) continue;
    const t = { ...chosen, categoryOverOther };
    const r = evaluateResults(lines, replay(t));
    if (r.slotAccuracy > bestSlots + 1e-9) {
      bestSlots = r.slotAccuracy;
      chosen = t;
    }
  }
  const results = replay(chosen);
  let bestAsk = { askBelow: 0, utility: -Infinity };
  for (const askBelow of ASK_BELOW) {
    let utility = 0;
    results.forEach((r, i) => {
      if (r.source !== 'model' || (r.alternatives?.[0]?.p ?? 1) < askBelow) return;
      const intent = r.kind === 'unknown' ? 'unknown' : r.intent;
      utility += intent === lines[i]!.intent ? 1 : -WRONG_COST;
    });
    if (utility > bestAsk.utility) bestAsk = { askBelow, utility };
  }
  const thresholds = { ...chosen, askBelow: bestAsk.askBelow };
  const report = evaluateResults(lines, results);
  const asked = results.filter((r) => r.source === 'model' && (r.alternatives?.[0]?.p ?? 1) < thresholds.askBelow);
  return {
    thresholds,
    intentAccuracy: report.intentAccuracy,
    slotAccuracy: report.slotAccuracy,
    askRate: Math.round((asked.length / Math.max(1, lines.length)) * 10_000) / 10_000,
  };
}

/** Chooses thresholds by cross-validation, then trains on the whole corpus. */
export function buildIntentModel(
  corpusText: string,
  matcher: CatalogMatcher,
  k = 5,
  options: TrainOptions = DEFAULT_TRAIN,
): { model: IntentModel; choice: ThresholdChoice } {
  const lines = parseEvalJsonl(corpusText);
  const choice = chooseThresholds(lines, matcher, k, options);
  const model = trainIntentModel(toExamples(lines, matcher), options, { corpusSha256: sha256(corpusText) });
  model.thresholds = choice.thresholds;
  return { model, choice };
}

function main(argv: readonly string[]) {
  let corpus = DEFAULT_CORPUS_PATH;
  let out = DEFAULT_MODEL_PATH;
  let k = 5;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--corpus') corpus = argv[++i]!;
    else if (a === '--out') out = argv[++i]!;
    else if (a === '--cv') k = Number(argv[++i]);
  }
  const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
  const t0 = performance.now();
  const { model, choice } = buildIntentModel(readFileSync(corpus, 'utf8'), matcher, k);
  const json = JSON.stringify(model.toJson());
  writeFileSync(out, `${json}\n`);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `trained on ${model.trainedOn} lines, ${model.intents.length} intents, ${model.size} weights, ` +
      `${(json.length / 1024).toFixed(0)} KiB, ${seconds} s → ${out}`,
  );
  console.log(
    `thresholds ${JSON.stringify(choice.thresholds)}; ${k}-fold out-of-fold intent ${choice.intentAccuracy}, ` +
      `slots ${choice.slotAccuracy}, ask rate ${choice.askRate}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
