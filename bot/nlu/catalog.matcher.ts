import { pinyin } from 'pinyin-pro';
import type { Product } from '../../core/catalog/catalog.types.js';
import { normalize } from './normalize.js';

/**
 * Finds product mentions in normalised text: SKUs and model codes in any spelling (KW-N60, n60, N-60, N 60),
 * names, aliases, series words (窄边框 → N60|N75) and typos/homophones (pinyin, bounded edit distance).
 * All indexes are built once; `find` does one pass over the text plus map look-ups.
 */

export type MentionKind = 'code' | 'term' | 'fuzzy';

export interface ProductMention {
  start: number;
  end: number;
  /** The words matched, as in the text. */
  text: string;
  /** One SKU when the mention is specific; several when it is ambiguous (a series, 平开窗 …). */
  skus: string[];
  kind: MentionKind;
}

const isCjk = (c: string) => c >= '\u4e00' && c <= '\u9fff';
const CJK_FIRST = 0x4e00;
const CJK_LAST = 0x9fff;
const isCjkCode = (c: number) => c >= CJK_FIRST && c <= CJK_LAST;

/** Levenshtein distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edit distance ≤ 1, without allocating (the fuzzy matcher calls this per candidate syllable). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) return a.slice(i + 1) === b.slice(i + 1);
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

// Per-character pinyin cache: pinyin-pro costs tens of µs per call, a Map hit a few ns.
const PINYIN_CACHE = new Map<string, string>();
export function charPinyin(c: string): string {
  let p = PINYIN_CACHE.get(c);
  if (p === undefined) {
    p = pinyin(c, { toneType: 'none', type: 'array' })[0] ?? c;
    PINYIN_CACHE.set(c, p);
  }
  return p;
}

// The same by UTF-16 code of a CJK ideograph: the fuzzy matcher's inner loop reads codes, not one-character strings.
// A dense table, a slot per CJK ideograph (a sparse array would fall back to a slow dictionary).
const PINYIN_BY_CODE: Array<string | undefined> = Array.from({ length: CJK_LAST - CJK_FIRST + 1 }, () => undefined);
function codePinyin(code: number): string {
  const cached = PINYIN_BY_CODE[code - CJK_FIRST];
  if (cached !== undefined) return cached;
  const pinyin = charPinyin(String.fromCharCode(code));
  PINYIN_BY_CODE[code - CJK_FIRST] = pinyin;
  return pinyin;
}

interface Term {
  text: string;
  skus: string[];
}

interface FuzzyTerm {
  term: Term;
  chars: string;
  /** `chars` as UTF-16 codes. */
  codes: number[];
  syllables: string[];
}

interface Span {
  start: number;
  end: number;
  skus: string[];
  kind: MentionKind;
}

function take(spans: Span[], covered: Uint8Array, s: Span): void {
  spans.push(s);
  covered.fill(1, s.start, s.end);
}

function toMention(text: string, s: Span): ProductMention {
  return { start: s.start, end: s.end, skus: s.skus, kind: s.kind, text: text.slice(s.start, s.end) };
}

/** A Latin-and-digit token on its own ("t8o" in "t8o来20套"), as candidates for `readCodes`. */
const LOOKALIKE_TOKEN_RE = /(?<![a-z0-9])[a-z]{1,5}[0-9oil]{1,4}(?![a-z0-9])/g;

export class CatalogMatcher {
  readonly products: readonly Product[];
  /** Units the catalog sells in (套, 个, 米, 卷 …). */
  readonly units: ReadonlySet<string>;
  private readonly bySku = new Map<string, Product>();
  /** Exact terms grouped by the UTF-16 code of their first character, longest first. */
  private readonly termsByFirst = new Map<number, Term[]>();
  /** Model code ("n60") and full code ("kwn60") → SKU. */
  private readonly codes = new Map<string, string>();
  private readonly codeList: Array<{ code: string; letters: string; digits: string; sku: string }> = [];
  private readonly codeRe: RegExp;
  private readonly codeLetters = new Set<string>();
  /** Name and aliases of each SKU, to settle "窄边框推拉" or "铝合金平开的" between a series' products. */
  private readonly hintText = new Map<string, string>();
  /** Pinyin syllable → fuzzy terms containing it, with its position. */
  private readonly fuzzyIndex = new Map<string, Array<{ ft: FuzzyTerm; pos: number }>>();

  constructor(products: readonly Product[]) {
    this.products = products;
    this.units = new Set(products.map((p) => p.unit));
    const termSkus = new Map<string, Set<string>>();
    // Words derived from names (平开窗, 橱柜 of 工程款橱柜) must not widen a series word (橱柜 = 整体橱柜).
    const derived = new Map<string, Set<string>>();
    const add = (raw: string, sku: string, into = termSkus) => {
      const t = normalize(raw).replace(/\s+/g, '');
      if (t.length < 2) return;
      let set = into.get(t);
      if (!set) {
        set = new Set();
        into.set(t, set);
      }
      set.add(sku);
    };
    const prefixes = new Set<string>();

    for (const p of products) {
      this.bySku.set(p.sku, p);
      this.hintText.set(p.sku, normalize([p.name, ...p.aliases].join('|')).replace(/\s+/g, ''));
      const [prefix, model] = p.sku.toLowerCase().split('-') as [string, string | undefined];
      if (model) {
        prefixes.add(prefix);
        this.registerCode(model, p.sku);
        this.registerCode(prefix + model, p.sku);
      }
      const modelRe = model ? new RegExp(`\\s*${model}$`, 'i') : null;
      const bareName = modelRe ? p.name.replace(modelRe, '') : p.name;
      add(bareName, p.sku);
      for (const a of p.aliases) {
        if (model && a.toLowerCase() === model) continue; // codes go through the code scanner
        add(a, p.sku);
        // Said shorter: 一字型橱柜 → 一字橱柜, U型橱柜 → U型柜.
        // …and without the product word: 窄边平开窗 → 窄边平开, 一字型橱柜 → 一字型.
        const bare = a.replace(/(橱柜|窗|门)$/, '');
        for (const v of [a.replace('型', ''), a.replace('橱柜', '柜'), ...(bare.length >= 3 ? [bare] : [])])
          if (v !== a && v.length >= 3) add(v, p.sku, derived);
      }
      // Series words name a group: 窄边框 → N60, N75; "整体橱柜" is also said "橱柜".
      add(p.series, p.sku);
      if (p.series.startsWith('整体')) add(p.series.slice(2), p.sku);
      // The product word after the series: 窄边框平开窗 → 平开窗 (shared with 铝合金平开窗: ambiguous).
      if (bareName.startsWith(p.series) && bareName.length - p.series.length >= 2) {
        add(bareName.slice(p.series.length), p.sku, derived);
      }
    }
    for (const [t, set] of derived) if (!termSkus.has(t)) termSkus.set(t, set);

    for (const [text, set] of termSkus) {
      const term: Term = { text, skus: [...set] };
      const list = this.termsByFirst.get(text.charCodeAt(0)) ?? [];
      list.push(term);
      this.termsByFirst.set(text.charCodeAt(0), list);
      if ([...text].every(isCjk)) {
        const codes = [...text].map((c) => c.charCodeAt(0));
        const ft: FuzzyTerm = { term, chars: text, codes, syllables: [...text].map(charPinyin) };
        ft.syllables.forEach((s, pos) => {
          const l = this.fuzzyIndex.get(s) ?? [];
          l.push({ ft, pos });
          this.fuzzyIndex.set(s, l);
        });
      }
    }
    for (const list of this.termsByFirst.values()) list.sort((a, b) => b.text.length - a.text.length);

    // KW-N60, kw n60, kwn60, N-60, n 60, N60 — not inside a longer Latin/digit token (SO2026…, N1024).
    const pre = [...prefixes].join('|');
    this.codeRe = new RegExp(
      `(?<![a-z0-9])(?:(?:${pre || 'zz'})\\s*[-_]?\\s*)?([a-z]{1,3})\\s*[-_]?\\s*(\\d{1,4})(?![0-9])`,
      'g',
    );
  }

  private registerCode(code: string, sku: string) {
    this.codes.set(code, sku);
    const m = /^([a-z]+)(\d+)$/.exec(code);
    if (m && code.length <= 4) {
      this.codeList.push({ code, letters: m[1]!, digits: m[2]!, sku });
      this.codeLetters.add(m[1]!);
    }
  }

  product(sku: string): Product | undefined {
    return this.bySku.get(sku);
  }

  /** True when `code` (e.g. "N60", "n 60") is a catalog model code: such a token is never a need id. */
  isModelCode(code: string): boolean {
    return this.codes.has(code.toLowerCase().replace(/[\s\-_]/g, ''));
  }

  /**
   * Model codes typed with a letter for a digit ("t8o", "n6o", "fl2"): O read as 0, l and i as 1 — only in a token
   * that also has a real digit and only when the corrected token is a catalog code, so words ("lol"), need ids
   * ("n1o24") and order numbers stay as typed. Length-preserving, like `normalize`.
   *
   * ### Example
   * `readCodes("t8o 再来十套")` → `"t80 再来十套"`; `readCodes("lol")` → `"lol"`.
   */
  readCodes(text: string): string {
    if (!/\d/.test(text) || !/[oil]/.test(text)) return text;
    return text.replace(LOOKALIKE_TOKEN_RE, (token) => {
      if (!/\d/.test(token) || !/[oil]/.test(token)) return token;
      // Each split into letters + digits: "lo1" is l + o1 (L01), "jo1" is j + o1 (J01).
      for (let i = 1; i < token.length; i++) {
        const letters = token.slice(0, i);
        const digits = token.slice(i);
        if (!/^[a-z]+$/.test(letters) || !/^[0-9oil]+$/.test(digits) || !/[oil]/.test(digits)) continue;
        const read = letters + digits.replace(/o/g, '0').replace(/[il]/g, '1');
        if (this.codes.has(read)) return read;
      }
      return token;
    });
  }

  /** Product mentions of normalised text, left to right, non-overlapping, adjacent mentions merged. */
  find(text: string): ProductMention[] {
    const spans: Span[] = [];
    const covered = new Uint8Array(text.length);

    // 1. Model codes and SKUs.
    this.codeRe.lastIndex = 0;
    for (let m = this.codeRe.exec(text); m !== null; m = this.codeRe.exec(text)) {
      const key = m[1]! + m[2]!;
      const exact = this.codes.get(key);
      if (exact) {
        take(spans, covered, { start: m.index, end: m.index + m[0].length, skus: [exact], kind: 'code' });
        continue;
      }
      const near = this.nearCodes(m[1]!, m[2]!);
      if (near.length > 0)
        take(spans, covered, { start: m.index, end: m.index + m[0].length, skus: near, kind: 'fuzzy' });
    }

    // 2. Names, aliases, series: leftmost-longest over the first-character index.
    for (let i = 0; i < text.length; ) {
      if (covered[i]) {
        i++;
        continue;
      }
      const list = this.termsByFirst.get(text.charCodeAt(i));
      let hit: Term | undefined;
      if (list) {
        for (const t of list) {
          if (text.startsWith(t.text, i) && !covered[i + t.text.length - 1]) {
            hit = t;
            break;
          }
        }
      }
      if (hit) {
        take(spans, covered, { start: i, end: i + hit.text.length, skus: hit.skus, kind: 'term' });
        i += hit.text.length;
      } else i++;
    }

    // 3. Typos and homophones on what is left.
    this.findFuzzy(text, covered, spans);

    spans.sort((a, b) => a.start - b.start);
    for (const s of spans) if (s.skus.length > 1) this.narrow(text, s, covered);
    return this.merge(text, spans);
  }

  /** Model codes one edit away with the same number of digits (m60 → n60; n6 or m001 never). */
  private nearCodes(letters: string, digits: string): string[] {
    const code = letters + digits;
    // Only letters the catalog uses: "x30" (as in N60 x30) must not become S30.
    if (letters.length !== 1 || code.length < 3 || !this.codeLetters.has(letters)) return [];
    const out = new Set<string>();
    for (const c of this.codeList) {
      if (c.digits.length !== digits.length || c.letters.length !== 1) continue;
      if (editDistance(code, c.code, 1) === 1) out.add(c.sku);
    }
    return [...out];
  }

  private findFuzzy(text: string, covered: Uint8Array, spans: Span[]) {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const ci = text.charCodeAt(i);
      if (covered[i] || !isCjkCode(ci)) continue;
      const cands = this.fuzzyCandidates(ci);
      if (cands === null) continue;
      let best: { start: number; end: number; cost: number; ft: FuzzyTerm } | undefined;
      for (const { ft, pos } of cands) {
        const start = i - pos;
        const len = ft.chars.length;
        // A shorter term never replaces the best one found.
        if (start < 0 || start + len > n || (best && len < best.end - best.start)) continue;
        const budget = len <= 2 ? 0 : len <= 4 ? 1 : 2;
        let cost = 0;
        let sameChars = 0;
        let ok = true;
        for (let k = 0; k < len && ok; k++) {
          const c = text.charCodeAt(start + k);
          if (covered[start + k] || !isCjkCode(c)) {
            ok = false;
            break;
          }
          if (c === ft.codes[k]) {
            sameChars++;
            continue;
          }
          const ts = codePinyin(c); // cached per character
          const ps = ft.syllables[k]!;
          if (ts === ps) continue; // homophone
          if (withinOneEdit(ts, ps)) cost++;
          else ok = false;
          if (cost > budget) ok = false;
        }
        // Exact text is the exact matcher's job; a 2-character homophone needs one identical character
        // (教练 is not 铰链, but 移们 is 移门).
        if (!ok || sameChars === len || (len <= 2 && sameChars === 0)) continue;
        if (!best || len > best.end - best.start || (len === best.end - best.start && cost < best.cost)) {
          best = { start, end: start + len, cost, ft };
        }
      }
      if (best) {
        take(spans, covered, { start: best.start, end: best.end, skus: best.ft.term.skus, kind: 'fuzzy' });
        i = best.end - 1;
      }
    }
  }

  /** A vague mention followed by words only one candidate has (窄边框 + 推拉 → N75) becomes that product. */
  private narrow(text: string, s: Span, covered: Uint8Array) {
    const gap = /^[\s的]*/.exec(text.slice(s.end))![0].length;
    const from = s.end + gap;
    for (let len = 3; len >= 2; len--) {
      const word = text.slice(from, from + len);
      if (word.length < len || ![...word].every(isCjk)) continue;
      let blocked = false;
      for (let i = from; i < from + len; i++) if (covered[i]) blocked = true;
      if (blocked) continue;
      const fit = s.skus.filter((sku) => this.hintText.get(sku)!.includes(word));
      if (fit.length === 1) {
        s.skus = fit;
        s.end = from + len;
        covered.fill(1, s.start, s.end);
        return;
      }
    }
  }

  // CJK character (by code) → fuzzy terms sharing its syllable; one look-up per character of the message.
  // A dense table like PINYIN_BY_CODE (undefined: not looked up yet; null: no term shares the syllable).
  // Filled, not built by a callback: a matcher built per message (the bench's baseline) pays no more for it.
  private readonly fuzzyByChar: Array<Array<{ ft: FuzzyTerm; pos: number }> | null | undefined> = new Array(
    CJK_LAST - CJK_FIRST + 1,
  ).fill(undefined);
  private fuzzyCandidates(code: number): Array<{ ft: FuzzyTerm; pos: number }> | null {
    let cands = this.fuzzyByChar[code - CJK_FIRST];
    if (cands === undefined) {
      cands = this.fuzzyIndex.get(codePinyin(code)) ?? null;
      this.fuzzyByChar[code - CJK_FIRST] = cands;
    }
    return cands;
  }

  /** Adjacent mentions of a common product are one mention: 窄边框平开窗N60, N75的推拉窗, 橱柜 L01. */
  private merge(text: string, spans: Span[]): ProductMention[] {
    const out: ProductMention[] = [];
    if (spans.length === 0) return out;
    let cur: Span | undefined;
    for (const s of spans) {
      if (cur && /^[\s的-]{0,2}$/.test(text.slice(cur.end, s.start))) {
        const common = cur.skus.filter((k) => s.skus.includes(k));
        if (common.length > 0) {
          const kind: MentionKind = cur.kind === 'code' || s.kind === 'code' ? 'code' : cur.kind;
          cur = { start: cur.start, end: s.end, skus: common, kind };
          continue;
        }
      }
      if (cur) out.push(toMention(text, cur));
      cur = s;
    }
    if (cur) out.push(toMention(text, cur));
    return out;
  }
}
