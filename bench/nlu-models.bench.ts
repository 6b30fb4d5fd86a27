/**
 * The intent-model options on the same folds of the corpus: (a) the in-project softmax regression on hashed
 * character n-grams (bot/nlu/intent.model.ts), (b) @nlpjs/nlp with @nlpjs/lang-zh (its zh word segmentation and
 * neural classifier). Both see the same class-token text and the same context/sender; both are scored alone and
 * combined with the rules under the same thresholds. Per option: intent accuracy per fold and mean, training
 * time, serialised size, inference µs per message.
 * Run: npm run bench:nlu-models [-- --corpus FILE] [--k 5] [--seed 7]
 */
import { existsSync, readFileSync } from 'node:fs';
import { Nlp } from '@nlpjs/nlp';
import { LangZh } from '@nlpjs/lang-zh';
import { parseCatalogCsv } from '../core/catalog/catalog.csv.js';
import { CatalogMatcher } from '../bot/nlu/catalog.matcher.js';
import {
  DEFAULT_THRESHOLDS,
  DEFAULT_TRAIN,
  type Scored,
  type TrainExample,
  stratifiedFolds,
  toExamples,
  trainIntentModel,
} from '../bot/nlu/intent.model.js';
import { parseIntent } from '../bot/nlu/intent.rules.js';
import { DEFAULT_CORPUS_PATH } from '../bot/nlu/intent.train.js';
import {
  DEFAULT_CATALOG_PATH,
  type EvalLine,
  evalContext,
  evaluateResults,
  parseEvalJsonl,
} from '../bot/nlu/nlu.eval.js';
import type { ParseResult } from '../bot/nlu/nlu.types.js';
import { allowedFor, combine, slotsForIntent } from '../bot/nlu/parser.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const DEV = new URL('../test/fixtures/nlu-dev.jsonl', import.meta.url).pathname;
const corpusPath = arg('--corpus', existsSync(DEFAULT_CORPUS_PATH) ? DEFAULT_CORPUS_PATH : DEV);
const K = Number(arg('--k', '5'));
const SEED = Number(arg('--seed', '7'));

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const lines = parseEvalJsonl(readFileSync(corpusPath, 'utf8'));
const examples = toExamples(lines, matcher);
const fold = stratifiedFolds(
  lines.map((l) => l.intent),
  K,
  SEED,
);
const thresholds =
  (() => {
    try {
      return (
        JSON.parse(readFileSync(new URL('../bot/nlu/model/intent-model.json', import.meta.url), 'utf8')) as {
          thresholds: typeof DEFAULT_THRESHOLDS;
        }
      ).thresholds;
    } catch {
      return undefined;
    }
  })() ?? DEFAULT_THRESHOLDS;

interface Ranker {
  rank(i: number): Promise<Scored[]>;
  size: number;
}

interface Option {
  name: string;
  train(train: TrainExample[]): Promise<Ranker>;
}

/** nlpjs gets the class-token text with the tokens spelled as words (its normaliser drops private-use chars). */
function nlpjsText(e: TrainExample): string {
  const words = e.ct
    .replace(/\ue001/g, ' product ')
    .replace(/\ue002/g, ' num ')
    .replace(/\ue003/g, ' orderno ')
    .replace(/\ue004/g, ' needid ')
    .replace(/\ue005/g, ' dealercode ')
    .replace(/\ue006/g, ' phone ');
  return `${words} ctx${e.awaiting ?? 'none'} from${e.sender}`;
}

const options: Option[] = [
  {
    name: 'softmax regression, hashed char 1–3-grams (in project)',
    async train(train) {
      const model = trainIntentModel(train, DEFAULT_TRAIN);
      return {
        size: JSON.stringify(model.toJson()).length,
        rank: async (i) => {
          const e = examples[i]!;
          return model.rankClassText(e.ct, e, allowedFor(e.sender));
        },
      };
    },
  },
  {
    name: '@nlpjs/nlp + @nlpjs/lang-zh',
    async train(train) {
      const nlp = new Nlp({ languages: ['zh'], autoSave: false, nlu: { log: false } });
      nlp.use(LangZh);
      for (const e of train) nlp.addDocument('zh', nlpjsText(e), e.intent);
      await nlp.train();
      return {
        size: JSON.stringify(nlp.export(true)).length,
        rank: async (i) => {
          const e = examples[i]!;
          const allowed = allowedFor(e.sender);
          const r = (await nlp.process('zh', nlpjsText(e))) as {
            classifications?: Array<{ intent: string; score: number }>;
          };
          const scored = (r.classifications ?? [])
            .filter((c) => allowed(c.intent === 'None' ? 'unknown' : c.intent))
            .map((c) => ({ intent: c.intent === 'None' ? 'unknown' : c.intent, p: c.score }));
          return scored.sort((a, b) => b.p - a.p);
        },
      };
    },
  },
];

const fmt = (x: number, d = 4) => x.toFixed(d);
const rows: string[][] = [];
console.log(`intent-model options — ${corpusPath} (${lines.length} lines), ${K}-fold stratified, seed ${SEED}`);
console.log(`rules+model thresholds ${JSON.stringify(thresholds)}\n`);
for (const option of options) {
  const accs: number[] = [];
  const combined: EvalLine[] = [];
  const combinedResults: ParseResult[] = [];
  let trainMs = 0;
  let inferUs = 0;
  let size = 0;
  for (let f = 0; f < K; f++) {
    const t0 = performance.now();
    const ranker = await option.train(examples.filter((_, i) => fold[i] !== f));
    trainMs += performance.now() - t0;
    size = ranker.size;
    let ok = 0;
    let n = 0;
    for (let i = 0; i < lines.length; i++) {
      if (fold[i] !== f) continue;
      const l = lines[i]!;
      const t1 = performance.now();
      const ranked = await ranker.rank(i);
      inferUs += (performance.now() - t1) * 1000;
      n++;
      if ((ranked[0]?.intent ?? 'unknown') === l.intent) ok++;
      const ctx = evalContext(l);
      combined.push(l);
      combinedResults.push(
        combine(
          parseIntent(l.text, ctx, matcher),
          () => ranked,
          thresholds,
          (intent) => slotsForIntent(intent, l.text, ctx, matcher),
        ),
      );
    }
    accs.push(ok / n);
    console.log(`${option.name} fold ${f + 1}: model-only intent ${fmt(ok / n)}`);
  }
  const both = evaluateResults(combined, combinedResults);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  rows.push([
    option.name,
    accs.map((a) => fmt(a, 3)).join(' '),
    fmt(mean),
    fmt(both.intentAccuracy),
    fmt(both.slotAccuracy),
    fmt(trainMs / K / 1000, 2),
    `${(size / 1024).toFixed(0)} KiB`,
    fmt(inferUs / lines.length, 1),
  ]);
}
const header = [
  'option',
  'model-only intent per fold',
  'mean',
  'rules+model intent',
  'slots',
  'train s/fold',
  'size',
  'µs/msg',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
