import { readFileSync } from 'node:fs';
import type { CatalogMatcher } from './catalog.matcher.js';
import type { Awaiting, ParseContext } from './nlu.types.js';
import { normalize } from './normalize.js';

/**
 * The trained intent classifier: multinomial logistic regression (softmax) over hashed character 1–3-grams of
 * a class-token text (products, codes and numbers replaced by one symbol each, so the model learns the frame of
 * a message rather than its products), Latin words, and the conversation's context and sender. Training is
 * plain SGD with a seeded shuffle and a fixed epoch count: the same corpus gives the same weights, bit for bit.
 */

export const MODEL_FORMAT = 'gongsheng-intent-lr/1';

// Class tokens: private-use characters, so n-grams span them like any character.
const PRODUCT = '\ue001';
const NUMBER = '\ue002';
const ORDER_NO = '\ue003';
const NEED_ID = '\ue004';
const DEALER = '\ue005';
const PHONE = '\ue006';
const SEP = '|';

const NUMBER_CODE = NUMBER.charCodeAt(0);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** ASCII punctuation and symbols other than letters/digits (after normalize, Chinese punctuation is ASCII). */
const isAsciiPunct = (c: number) => !(isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a));

const CODES_RE =
  /(?<![a-z0-9])(?:(s\s*o\s*[-_]?\s*(?:\d\s*){11}\d)|(n\s*[-_]?\s*\d{2,})|(d\s*[-_]?\s*\d{4})|(1[3-9]\d(?:[\s-]?\d){8}))(?![0-9])/g;
const CODE_TOKENS = [ORDER_NO, NEED_ID, DEALER, PHONE];

/**
 * The message as the model sees it: normalised, products/codes/numbers as class tokens, a run of spaces and
 * punctuation as one separator (clauses matter: the first request names the intent). "N60 改成40套，谢谢" →
 * "P|改成#套|谢谢".
 */
export function classText(text: string, matcher: CatalogMatcher): string {
  const t = normalize(text);
  return normalizedClassText(t, matcher.find(t));
}

/**
 * `classText` of text already normalised, with the product mentions `matcher.find` gives for that same text (the
 * parser has both from the rules' facts, so a message is normalised and matched once).
 */
export function normalizedClassText(t: string, products: ReadonlyArray<{ start: number; end: number }>): string {
  const repl: Array<{ start: number; end: number; token: string }> = [];
  for (const m of products) repl.push({ start: m.start, end: m.end, token: PRODUCT });
  CODES_RE.lastIndex = 0;
  for (let m = CODES_RE.exec(t); m !== null; m = CODES_RE.exec(t)) {
    const start = m.index;
    const end = start + m[0].length;
    if (repl.some((r) => r.start < end && start < r.end)) continue; // N60 is a product, not a need
    const group = m.slice(1, 5).findIndex((g) => g !== undefined);
    repl.push({ start, end, token: CODE_TOKENS[group]! });
  }
  repl.sort((a, b) => a.start - b.start);
  let out = '';
  let r = 0;
  let prevSep = true;
  for (let i = 0; i < t.length; i++) {
    const span = repl[r];
    if (span && i === span.start) {
      out += span.token;
      i = span.end - 1;
      r++;
      prevSep = false;
      continue;
    }
    const c = t.charCodeAt(i);
    if (isDigit(c)) {
      if (out.charCodeAt(out.length - 1) !== NUMBER_CODE) out += NUMBER;
      while (i + 1 < t.length && (isDigit(t.charCodeAt(i + 1)) || t.charCodeAt(i + 1) === 0x2e)) i++;
      prevSep = false;
    } else if (c < 0x80 ? isAsciiPunct(c) : c === 0x3001) {
      if (!prevSep) out += SEP;
      prevSep = true;
    } else {
      out += t[i];
      prevSep = false;
    }
  }
  return out.endsWith(SEP) ? out.slice(0, -1) : out;
}

// ---------------------------------------------------------------- hashed features

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SALT_TEXT = 0x9e3779b1;
const SALT_CTX = 0x85ebca6b;
const SALT_WORD = 0xc2b2ae35;
const SALT_META = 0x27d4eb2f;
const SALT_FIRST = 0x165667b1;

const BOUNDARY_START = 0x02;
const BOUNDARY_END = 0x03;

export interface FeatureOptions {
  /** log2 of the hash space. */
  bits: number;
  /** Longest character n-gram. */
  maxN: number;
  /** The n-grams of the first clause again, as their own features: the first request names the intent. */
  firstClause: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { bits: 18, maxN: 3, firstClause: true };

/** The sparse feature vector of one message: hashed indices, each with value 1/sqrt(count). */
export interface Features {
  idx: Int32Array;
  n: number;
  value: number;
}

/** Reused between calls: featurising allocates nothing but the class text. */
function ngramHashes(
  codes: Uint16Array,
  len: number,
  salt: number,
  maxN: number,
  mask: number,
  out: Int32Array,
  n: number,
): number {
  for (let i = 0; i < len; i++) {
    let h = (FNV_OFFSET ^ salt) >>> 0;
    for (let j = 0; j < maxN && i + j < len; j++) {
      h = Math.imul(h ^ codes[i + j]!, FNV_PRIME);
      if (n < out.length) out[n++] = (h >>> 0) & mask;
    }
  }
  return n;
}

const hashWord = (word: string, salt: number): number => {
  let h = (FNV_OFFSET ^ salt) >>> 0;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
};

const MAX_FEATURES = 4096;
const MAX_CHARS = 400;

export class Featurizer {
  private readonly codes = new Uint16Array(MAX_CHARS + 2);
  private readonly out = new Int32Array(MAX_FEATURES);
  private readonly mask: number;

  constructor(readonly options: FeatureOptions = DEFAULT_FEATURES) {
    this.mask = (1 << options.bits) - 1;
  }

  /** Features of a message under its context. The returned `idx` is reused by the next call. */
  features(text: string, ctx: Pick<ParseContext, 'awaiting' | 'sender'>, matcher: CatalogMatcher): Features {
    return this.fromClassText(classText(text, matcher), ctx);
  }

  // The last call's input and result: the intent and category models share a featurizer and read the same message.
  private last: { ct: string; awaiting: string | undefined; sender: string; features: Features } | undefined;

  fromClassText(ct: string, ctx: Pick<ParseContext, 'awaiting' | 'sender'>): Features {
    const last = this.last;
    if (last && last.ct === ct && last.awaiting === ctx.awaiting && last.sender === ctx.sender) return last.features;
    const features = this.compute(ct, ctx);
    this.last = { ct, awaiting: ctx.awaiting, sender: ctx.sender, features };
    return features;
  }

  private compute(ct: string, ctx: Pick<ParseContext, 'awaiting' | 'sender'>): Features {
    const { maxN } = this.options;
    const mask = this.mask;
    const codes = this.codes;
    const len = Math.min(ct.length, MAX_CHARS) + 2;
    codes[0] = BOUNDARY_START;
    for (let i = 0; i < len - 2; i++) codes[i + 1] = ct.charCodeAt(i);
    codes[len - 1] = BOUNDARY_END;
    const out = this.out;
    let n = ngramHashes(codes, len, SALT_TEXT, maxN, mask, out, 0);
    if (this.options.firstClause) {
      const sep = ct.indexOf(SEP);
      if (sep > 0) n = ngramHashes(codes, sep + 1, SALT_FIRST, maxN, mask, out, n);
    }
    // A waiting conversation changes what the same words mean ("好" confirms an order draft): the context
    // is conjoined with the uni- and bigrams, not just added.
    const awaiting = ctx.awaiting ?? 'none';
    if (ctx.awaiting) n = ngramHashes(codes, len, hashWord(awaiting, SALT_CTX), 2, mask, out, n);
    // Latin words whole (cancel, rebate, mingtian): their character n-grams alone blur into each other.
    for (const w of ct.match(/[a-z]{2,}/g) ?? []) if (n < out.length) out[n++] = hashWord(w, SALT_WORD) & mask;
    if (n < out.length) out[n++] = metaHash('a:', awaiting) & mask;
    if (n < out.length) out[n++] = metaHash('s:', ctx.sender) & mask;
    if (n < out.length) out[n++] = metaHash('l:', lengthBucket(ct.length)) & mask;
    return { idx: out, n, value: 1 / Math.sqrt(n) };
  }
}

// The hashes of the few context words (awaiting, sender, length bucket), computed once per word.
const metaHashes = new Map<string, Map<string | number, number>>();
function metaHash(prefix: string, value: string | number): number {
  let byValue = metaHashes.get(prefix);
  if (!byValue) {
    byValue = new Map();
    metaHashes.set(prefix, byValue);
  }
  let h = byValue.get(value);
  if (h === undefined) {
    h = hashWord(`${prefix}${value}`, SALT_META);
    byValue.set(value, h);
  }
  return h;
}

// Models with the same feature options share one featurizer (a message is featurised once for both models).
const featurizers = new Map<string, Featurizer>();
function sharedFeaturizer(options: FeatureOptions): Featurizer {
  const key = `${options.bits}/${options.maxN}/${options.firstClause}`;
  let f = featurizers.get(key);
  if (!f) {
    f = new Featurizer(options);
    featurizers.set(key, f);
  }
  return f;
}

function lengthBucket(len: number): number {
  if (len <= 1) return 1;
  if (len <= 3) return 2;
  if (len <= 6) return 3;
  if (len <= 12) return 4;
  if (len <= 24) return 5;
  return 6;
}

// ---------------------------------------------------------------- training

export interface TrainExample {
  /** Class text (see `classText`), computed once per corpus line. */
  ct: string;
  awaiting?: Awaiting;
  sender: 'dealer' | 'manager';
  intent: string;
  /** A need's category (`need.submit` lines): the labels of the category model. */
  category?: string;
}

export interface TrainOptions {
  features: FeatureOptions;
  epochs: number;
  /** Initial learning rate; decays as lr / (1 + decay · epoch). */
  lr: number;
  decay: number;
  /** L2 penalty, applied to the weights of the features a step touches. */
  l2: number;
  seed: number;
  /** Weights are stored as int8 multiples of max|w|/127; smaller ones are dropped. */
  quantize: boolean;
  /** Also drop quantised weights with |q| ≤ prune (a smaller file for a negligible loss). */
  prune: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
  features: DEFAULT_FEATURES,
  epochs: 20,
  lr: 2,
  decay: 0.2,
  l2: 1e-4,
  seed: 12,
  quantize: true,
  prune: 2,
};

/** Seeded PRNG (mulberry32): shuffles and folds are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Stratified k-fold: each label's lines are shuffled (seeded) and dealt round-robin, so every fold holds about
 * 1/k of every intent. Returns the fold number of each line.
 */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const list = byLabel.get(l) ?? [];
    list.push(i);
    byLabel.set(l, list);
  });
  const fold = new Array<number>(labels.length).fill(0);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const i of shuffle(byLabel.get(label)!, random)) fold[i] = next++ % k;
  }
  return fold;
}

/** Trains on the examples; `intents` fixes the label order (sorted labels of the examples by default). */
export function trainIntentModel(
  examples: readonly TrainExample[],
  options: TrainOptions = DEFAULT_TRAIN,
  meta: { corpusSha256?: string } = {},
): IntentModel {
  const intents = [...new Set(examples.map((e) => e.intent))].sort();
  const K = intents.length;
  const labelOf = new Map(intents.map((l, i) => [l, i]));
  const featurizer = new Featurizer(options.features);
  const rows = examples.map((e) => {
    const f = featurizer.fromClassText(e.ct, e);
    return { idx: f.idx.slice(0, f.n), value: f.value, y: labelOf.get(e.intent)! };
  });
  const dim = 1 << options.features.bits;
  const w = new Float32Array(dim * K);
  const bias = new Float64Array(K);
  const scores = new Float64Array(K);
  const random = seededRandom(options.seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const lr = options.lr / (1 + options.decay * epoch);
    for (const r of shuffle(order, random)) {
      const row = rows[r]!;
      softmaxScores(row.idx, row.idx.length, row.value, w, bias, K, scores);
      for (let k = 0; k < K; k++) {
        const g = scores[k]! - (k === row.y ? 1 : 0);
        bias[k]! -= lr * g;
        const step = lr * g * row.value;
        for (const j of row.idx) {
          const at = j * K + k;
          w[at] = w[at]! - step - lr * options.l2 * w[at]!;
        }
      }
    }
  }
  // Needs told as stories name their category by the same kind of words: a second, smaller model of the same
  // kind learns it from the need lines.
  const needs = examples.filter((e) => e.category !== undefined);
  const categories =
    needs.length > 0
      ? trainIntentModel(
          needs.map(({ category, ...e }) => ({ ...e, intent: category! })),
          options,
        )
      : null;
  return IntentModel.fromWeights({
    intents,
    contexts: [...new Set(examples.map((e) => e.awaiting ?? 'none'))].sort(),
    options,
    w,
    bias: [...bias],
    corpusSha256: meta.corpusSha256 ?? '',
    trainedOn: examples.length,
    categories,
  });
}

/** Softmax probabilities into `out`. */
function softmaxScores(
  idx: Int32Array,
  n: number,
  value: number,
  w: Float32Array,
  bias: ArrayLike<number>,
  K: number,
  out: Float64Array,
) {
  for (let k = 0; k < K; k++) out[k] = bias[k]!;
  for (let i = 0; i < n; i++) {
    const base = idx[i]! * K;
    for (let k = 0; k < K; k++) out[k]! += w[base + k]! * value;
  }
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (out[k]! > max) max = out[k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    out[k] = Math.exp(out[k]! - max);
    sum += out[k]!;
  }
  for (let k = 0; k < K; k++) out[k]! /= sum;
}

// ---------------------------------------------------------------- the model

/** Where the combination hands over from the rules to the model (chosen by cross-validation, see intent.train). */
export interface Thresholds {
  /** Rule results at or above this confidence stand; below it the model decides. */
  rulesSure: number;
  /** The model overrides the rules' intent only with at least this probability. */
  modelOverride: number;
  /** A model-decided intent below this probability is asked back with the two likeliest readings. */
  askBelow: number;
  /** A need's category from the category model at this probability replaces the rules' keyword category; absent: never. */
  categoryOver?: number;
  /** The model turns a rule reading into `unknown` only at this probability; absent: as any other override. */
  unknownOver?: number;
  /** The same where the rules' category is `other` (no keyword matched); absent: `categoryOver`. */
  categoryOverOther?: number;
  /** A sure (non-veto) rule reading is overruled by a model at least this sure of another; absent: never. */
  modelOverSure?: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { rulesSure: 0.9, modelOverride: 0.5, askBelow: 0.5 };

export interface IntentModelJson {
  format: typeof MODEL_FORMAT;
  corpusSha256: string;
  trainedOn: number;
  intents: string[];
  options: TrainOptions;
  thresholds: Thresholds;
  /** The `awaiting` values the corpus has: in any other context the model has no say. */
  contexts: string[];
  bias: number[];
  /** Weight of int8 value q is q · scale. */
  scale: number;
  /** Base64 of the non-zero weights: per entry a varint bucket delta (from the previous entry's), a class byte and an int8. */
  weights: string;
  /** The need-category model (same format, labels are categories). */
  categories?: IntentModelJson;
}

export interface Scored {
  intent: string;
  p: number;
}

export class IntentModel {
  private readonly featurizer: Featurizer;
  private readonly probs: Float64Array;
  /**
   * Which buckets have entries, as a bitmap with the number of such buckets before each 32-bit word: a bucket's row
   * is found without a table over the whole hash space (the index fits in the CPU cache, the weights stay sparse).
   */
  private readonly present: Int32Array;
  private readonly rowsBefore: Int32Array;
  /** Row → start offset of its entries in `cls`/`val` (entries of a bucket are contiguous); one more at the end. */
  private readonly rowStart: Int32Array;
  /** Row → its bucket. */
  private readonly rowBucket: Int32Array;

  private constructor(
    readonly intents: readonly string[],
    readonly options: TrainOptions,
    readonly bias: readonly number[],
    private readonly cls: Uint8Array,
    private readonly val: Float32Array,
    buckets: Int32Array,
    readonly corpusSha256: string,
    readonly trainedOn: number,
    public thresholds: Thresholds,
    private readonly scale: number,
    /** The `awaiting` values seen in training. */
    readonly contexts: readonly string[],
    /** Ranks a need's category (see `trainIntentModel`). */
    readonly categories: IntentModel | null = null,
  ) {
    this.featurizer = sharedFeaturizer(options.features);
    this.probs = new Float64Array(intents.length);
    // Entries come sorted by bucket (see `fromWeights`, `fromJson`).
    const starts: number[] = [];
    const rowBuckets: number[] = [];
    // Int32, not Uint32: a word with bit 31 set stays a small integer for the JIT, never a heap number.
    this.present = new Int32Array(Math.ceil((1 << options.features.bits) / 32));
    for (let e = 0; e < buckets.length; e++) {
      const b = buckets[e]!;
      if (e > 0 && b === buckets[e - 1]) continue;
      if (e > 0 && b < buckets[e - 1]!) throw new Error('intent model: weights out of bucket order');
      starts.push(e);
      rowBuckets.push(b);
      this.present[b >>> 5]! |= 1 << (b & 31);
    }
    starts.push(buckets.length);
    this.rowStart = Int32Array.from(starts);
    this.rowBucket = Int32Array.from(rowBuckets);
    this.rowsBefore = new Int32Array(this.present.length);
    for (let w = 1; w < this.present.length; w++) {
      this.rowsBefore[w] = this.rowsBefore[w - 1]! + popcount(this.present[w - 1]!);
    }
  }

  static fromWeights(m: {
    intents: string[];
    contexts: string[];
    options: TrainOptions;
    w: Float32Array;
    bias: number[];
    corpusSha256: string;
    trainedOn: number;
    thresholds?: Thresholds;
    categories?: IntentModel | null;
  }): IntentModel {
    const K = m.intents.length;
    let max = 0;
    for (const x of m.w) if (Math.abs(x) > max) max = Math.abs(x);
    const scale = max / 127 || 1;
    const buckets: number[] = [];
    const cls: number[] = [];
    const val: number[] = [];
    for (let at = 0; at < m.w.length; at++) {
      const x = m.w[at]!;
      if (x === 0) continue;
      const q = m.options.quantize ? Math.round(x / scale) : x;
      if (q === 0 || (m.options.quantize && Math.abs(q) <= m.options.prune)) continue;
      buckets.push(Math.floor(at / K));
      cls.push(at % K);
      val.push(m.options.quantize ? q * scale : x);
    }
    return new IntentModel(
      m.intents,
      m.options,
      m.bias,
      Uint8Array.from(cls),
      Float32Array.from(val),
      Int32Array.from(buckets),
      m.corpusSha256,
      m.trainedOn,
      m.thresholds ?? DEFAULT_THRESHOLDS,
      scale,
      m.contexts,
      m.categories ?? null,
    );
  }

  static fromJson(json: IntentModelJson): IntentModel {
    if (json.format !== MODEL_FORMAT) throw new Error(`intent model: unknown format ${String(json.format)}`);
    const bytes = Buffer.from(json.weights, 'base64');
    const buckets: number[] = [];
    const cls: number[] = [];
    const val: number[] = [];
    let bucket = 0;
    for (let p = 0; p < bytes.length; ) {
      let delta = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[p++]!;
        delta += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) break;
      }
      bucket += delta;
      buckets.push(bucket);
      cls.push(bytes[p++]!);
      val.push(((bytes[p++]! << 24) >> 24) * json.scale);
    }
    return new IntentModel(
      json.intents,
      json.options,
      json.bias,
      Uint8Array.from(cls),
      Float32Array.from(val),
      Int32Array.from(buckets),
      json.corpusSha256,
      json.trainedOn,
      json.thresholds,
      json.scale,
      json.contexts,
      json.categories ? IntentModel.fromJson(json.categories) : null,
    );
  }

  toJson(): IntentModelJson {
    if (!this.options.quantize) throw new Error('intent model: only quantised models are stored');
    const bytes: number[] = [];
    let prev = 0;
    for (let row = 0; row < this.rowBucket.length; row++) {
      const b = this.rowBucket[row]!;
      for (let e = this.rowStart[row]!; e < this.rowStart[row + 1]!; e++) {
        let delta = b - prev;
        prev = b;
        do {
          const low = delta & 0x7f;
          delta = Math.floor(delta / 128);
          bytes.push(delta > 0 ? low | 0x80 : low);
        } while (delta > 0);
        bytes.push(this.cls[e]!);
        bytes.push(Math.round(this.val[e]! / this.scale) & 0xff);
      }
    }
    return {
      format: MODEL_FORMAT,
      corpusSha256: this.corpusSha256,
      trainedOn: this.trainedOn,
      intents: [...this.intents],
      options: this.options,
      thresholds: this.thresholds,
      contexts: [...this.contexts],
      bias: [...this.bias],
      scale: this.scale,
      weights: Buffer.from(bytes).toString('base64'),
      ...(this.categories ? { categories: this.categories.toJson() } : {}),
    };
  }

  /** The model was trained on messages in this context. */
  knows(awaiting: string | undefined): boolean {
    return this.contexts.includes(awaiting ?? 'none');
  }

  /** Number of stored (non-zero) weights. */
  get size(): number {
    return this.val.length;
  }

  /**
   * Probabilities of every intent, most likely first. `allowed` drops intents the sender may never have
   * (a dealer's am.*) before normalising.
   */
  rank(
    text: string,
    ctx: Pick<ParseContext, 'awaiting' | 'sender'>,
    matcher: CatalogMatcher,
    allowed?: (intent: string) => boolean,
  ): Scored[] {
    return this.rankClassText(classText(text, matcher), ctx, allowed);
  }

  rankClassText(
    ct: string,
    ctx: Pick<ParseContext, 'awaiting' | 'sender'>,
    allowed?: (intent: string) => boolean,
  ): Scored[] {
    const p = this.probabilities(ct, ctx, allowed);
    const out: Scored[] = [];
    for (let k = 0; k < p.length; k++) out.push({ intent: this.intents[k]!, p: p[k]! });
    return out.sort(byLikelihood);
  }

  /** The `n` likeliest readings: `rankClassText(…).slice(0, n)` without building and sorting every class. */
  topClassText(
    ct: string,
    ctx: Pick<ParseContext, 'awaiting' | 'sender'>,
    allowed: ((intent: string) => boolean) | undefined,
    n: number,
  ): Scored[] {
    const p = this.probabilities(ct, ctx, allowed);
    const top: Scored[] = [];
    for (let k = 0; k < p.length; k++) {
      const intent = this.intents[k]!;
      const pk = p[k]!;
      // Most classes miss the top: they are compared without allocating their reading.
      if (top.length === n && likelihoodOrder(intent, pk, top[n - 1]!) >= 0) continue;
      const s = { intent, p: pk };
      let at = top.length === n ? n - 1 : top.length;
      while (at > 0 && byLikelihood(s, top[at - 1]!) < 0) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = s;
    }
    return top;
  }

  /** Probabilities of every intent in label order (a buffer reused by the next call). */
  private probabilities(
    ct: string,
    ctx: Pick<ParseContext, 'awaiting' | 'sender'>,
    allowed?: (intent: string) => boolean,
  ): Float64Array {
    const f = this.featurizer.fromClassText(ct, ctx);
    const K = this.intents.length;
    const s = this.probs;
    for (let k = 0; k < K; k++) s[k] = this.bias[k]!;
    const { present, rowsBefore, rowStart, cls, val } = this;
    const { idx, n, value } = f;
    for (let i = 0; i < n; i++) {
      const b = idx[i]!;
      const word = present[b >>> 5]!;
      const bit = 1 << (b & 31);
      if ((word & bit) === 0) continue;
      const row = rowsBefore[b >>> 5]! + popcount(word & (bit - 1));
      const end = rowStart[row + 1]!;
      for (let e = rowStart[row]!; e < end; e++) s[cls[e]!]! += val[e]! * value;
    }
    const mask = allowed ? this.maskOf(allowed) : undefined;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (s[k]! > max && (!mask || mask[k])) max = s[k]!;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      s[k] = !mask || mask[k] ? Math.exp(s[k]! - max) : 0;
      sum += s[k]!;
    }
    for (let k = 0; k < K; k++) s[k] = s[k]! / sum;
    return s;
  }

  private readonly masks = new WeakMap<(intent: string) => boolean, Uint8Array>();

  /** The allowed intents as a mask, computed once per predicate (callers pass long-lived predicates). */
  private maskOf(allowed: (intent: string) => boolean): Uint8Array {
    let m = this.masks.get(allowed);
    if (!m) {
      m = Uint8Array.from(this.intents, (i) => (allowed(i) ? 1 : 0));
      this.masks.set(allowed, m);
    }
    return m;
  }
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/** Most likely first; equal probabilities in label order. */
const byLikelihood = (a: Scored, b: Scored) => likelihoodOrder(a.intent, a.p, b);
const likelihoodOrder = (intent: string, p: number, b: Scored) => b.p - p || (intent < b.intent ? -1 : 1);

export const DEFAULT_MODEL_PATH = new URL('./model/intent-model.json', import.meta.url).pathname;

let shipped: IntentModel | undefined;

/** The committed model (bot/nlu/model/intent-model.json), loaded once. */
export function shippedIntentModel(): IntentModel {
  shipped ??= IntentModel.fromJson(JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')) as IntentModelJson);
  return shipped;
}

/** Labelled lines (the evaluation format) as training examples. */
export function toExamples(
  lines: ReadonlyArray<{
    text: string;
    intent: string;
    context?: { awaiting?: Awaiting };
    sender?: 'dealer' | 'manager';
    slots?: Record<string, unknown>;
  }>,
  matcher: CatalogMatcher,
): TrainExample[] {
  return lines.map((l) => ({
    ct: classText(l.text, matcher),
    ...(l.intent === 'need.submit' && typeof l.slots?.category === 'string' ? { category: l.slots.category } : {}),
    ...(l.context?.awaiting ? { awaiting: l.context.awaiting } : {}),
    sender: l.sender ?? 'dealer',
    intent: l.intent,
  }));
}
