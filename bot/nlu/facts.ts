import type { CatalogMatcher, ProductMention } from './catalog.matcher.js';
import { extractDate } from './dates.js';
import { UNSOLD_KINDS_RE } from './lexicon.js';
import { normalize } from './normalize.js';
import type { Ambiguity, Intent, ItemSlot, ParseContext, ParseResult, Slots } from './nlu.types.js';
import { UNITS } from './nlu.types.js';
import { NUMBER_SRC, parseNumber } from './numbers.js';

/**
 * What a message says, before any intent is decided: codes, dates, products with their quantities. Rules
 * (intent.rules.ts, draft.rules.ts) and `slotsForIntent` read these facts; nothing else re-reads the raw text.
 */

// ---------------------------------------------------------------- entities

const ORDER_NO_RE = /(?<![a-z0-9])s\s*o\s*[-_]?\s*((?:\d\s*){11}\d)(?![0-9])/;
const NEED_ID_RE = /(?<![a-z0-9])n\s*[-_]?\s*(\d{2,})(?![0-9])/g;
const DEALER_RE = /(?<![a-z0-9])d\s*[-_]?\s*(\d{4})(?![0-9])/;
const MANAGER_RE = /(?<![a-z0-9])m\s*[-_]?\s*(\d{3})(?![0-9])/;
const PHONE_RE = /(?<![0-9])(1[3-9]\d(?:[\s-]?\d){8})(?![0-9])/;
// Short need ids (N998) only where the words say it is a need; N60 stays a product.
const NEED_WORDS =
  /需求|工单|认领|解决|进度|进展|状态|处理|关闭|跟进|转交|转给|编号|问题|申请|反馈|接了|分给|关单|办结/;

const UNIT_ALT = [...UNITS].sort((a, b) => b.length - a.length).join('|');
// "各来25套" keeps 各 across the verb; "一打" is a dozen; "七米半" adds a half.
const QTY_RE = new RegExp(
  `(?<![0-9.a-z几多])(?:(各)\\s*(?:来|要|订|拿|备)?)?\\s*(${NUMBER_SRC})\\s*(${UNIT_ALT}|打(?![个电折招分款]))(半)?`,
  'g',
);
// Every quantity ends in a unit (or 打): a message with none of their first characters has no quantity.
const QTY_HINT = new RegExp(`[${[...new Set([...UNITS, '打'].map((u) => u[0]))].join('')}]`);
/** A dozen has no unit of its own: the product's unit fills it in (`buildItems`). */
const DOZEN = '打';
// Separators between order lines; 各 looks back across the soft ones (和, 、) only.
const HARD_SEP = /[,;.!?:]/;
const SEP_RE = /[,;.!?:、]|和|及|以及|还有|另外|再加|加上|外加|同时|并且|然后/g;

export interface Qty {
  start: number;
  end: number;
  qty: number;
  unit: string;
  each: boolean;
}

function findQuantities(masked: string): Qty[] {
  const out: Qty[] = [];
  if (!QTY_HINT.test(masked)) return out;
  QTY_RE.lastIndex = 0;
  for (let m = QTY_RE.exec(masked); m !== null; m = QTY_RE.exec(masked)) {
    const n = parseNumber(m[2]!);
    if (n === null) continue; // 一二十套: not a number we can trust
    const dozen = m[3] === DOZEN;
    const qty = (dozen ? n * 12 : n) + (m[4] ? 0.5 : 0);
    out.push({ start: m.index, end: m.index + m[0].length, qty, unit: dozen ? '' : m[3]!, each: m[1] !== undefined });
  }
  return out;
}

export function mask(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + '\u0001'.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

export interface ItemsResult {
  items: ItemSlot[];
  ambiguities: Ambiguity[];
  /** Some product came with a quantity. */
  withQty: boolean;
  /** Quantities not attached to any product ("再订30套"). */
  looseQty: number;
  /** One of them is in a unit the catalog sells in (套, 个 …, not 张 of 一张机票). */
  looseCatalogUnit: boolean;
}

/** "一个", "一款", "一种" before a product: which one, not how many, when a quantity of its own follows. */
const ONE_MORE_RE = /^[一1]\s*[个款种]$/;

/** Attaches quantities to product mentions: "30套N60", "N60 30套", "N60 二十套、N75 十五套", "N60和N75各20套". */
function buildItems(
  t: string,
  mentions: ProductMention[],
  qtys: Qty[],
  matcher: CatalogMatcher,
  config: readonly ConfigHit[] = [],
  bareText = t,
): ItemsResult {
  if (mentions.length === 0) {
    return { items: [], ambiguities: [], withQty: false, ...looseOf(qtys, new Set(), matcher) };
  }
  const pairOf = new Map<ProductMention, Qty>();
  const usedQ = new Set<Qty>();
  const seps: number[] = [];
  if (mentions.length + qtys.length > 1) {
    SEP_RE.lastIndex = 0;
    for (let m = SEP_RE.exec(t); m !== null; m = SEP_RE.exec(t)) seps.push(m.index);
  }
  const segOf = (pos: number) => {
    let n = 0;
    while (n < seps.length && seps[n]! < pos) n++;
    return n;
  };
  type Tok = { pos: number; seg: number; m?: ProductMention; q?: Qty };
  const toks: Tok[] = [
    ...mentions.map((m) => ({ pos: m.start, seg: segOf(m.start), m })),
    ...qtys.map((q) => ({ pos: q.start, seg: segOf(q.start), q })),
  ].sort((a, b) => a.pos - b.pos);

  // 各: one quantity for every product listed just before it (soft separators only).
  for (const tok of toks) {
    if (!tok.q?.each) continue;
    const i = toks.indexOf(tok);
    for (let j = i - 1; j >= 0; j--) {
      const prev = toks[j]!;
      if (prev.q) break;
      if (HARD_SEP.test(t.slice(prev.pos, tok.pos).replace(/\u0001/g, ''))) break;
      if (prev.m && !pairOf.has(prev.m)) pairOf.set(prev.m, tok.q);
    }
    usedQ.add(tok.q);
  }

  // Within one segment the first token tells the order: quantity-first or product-first.
  const bySeg = new Map<number, Tok[]>();
  for (const tok of toks) {
    if (tok.q && usedQ.has(tok.q)) continue;
    if (tok.m && pairOf.has(tok.m)) continue;
    const l = bySeg.get(tok.seg) ?? [];
    l.push(tok);
    bySeg.set(tok.seg, l);
  }
  for (const seg of bySeg.values()) {
    const qtyFirst = seg[0]!.q !== undefined;
    let pendingQ: Qty | undefined;
    let pendingM: ProductMention | undefined;
    for (const tok of seg) {
      if (qtyFirst) {
        if (tok.q) pendingQ = tok.q;
        else if (tok.m && pendingQ) {
          pairOf.set(tok.m, pendingQ);
          usedQ.add(pendingQ);
          pendingQ = undefined;
        }
      } else if (tok.m) pendingM = tok.m;
      else if (tok.q && pendingM) {
        pairOf.set(pendingM, tok.q);
        usedQ.add(tok.q);
        pendingM = undefined;
      }
    }
  }
  // Leftovers across segments ("玻璃移门Y20，十套"): nearest free product before, else after.
  for (const q of qtys) {
    if (usedQ.has(q)) continue;
    // A product said again by name ("系统窗 … T95 两樘") is no free product once one of its mentions has a quantity.
    const free = (m: ProductMention) =>
      !pairOf.has(m) &&
      !(m.skus.length === 1 && mentions.some((o) => pairOf.has(o) && o.skus.length === 1 && o.skus[0] === m.skus[0]));
    const before = mentions.filter((m) => m.end <= q.start && free(m)).at(-1);
    const after = mentions.find((m) => m.start >= q.end && free(m));
    const target = before ?? after;
    if (target) {
      pairOf.set(target, q);
      usedQ.add(q);
    }
  }
  // A bare number right after a product: "N60 30", "N60 x30" (sizes are masked in `bareText`: "J01 1200*2100").
  for (const m of mentions) {
    if (pairOf.has(m)) continue;
    const bare = BARE_QTY_RE.exec(bareText.slice(m.end));
    const sku = m.skus.length === 1 ? m.skus[0]! : undefined;
    const unit = (sku && matcher.product(sku)?.unit) || '套';
    if (bare) {
      const start = m.end + bare.index;
      const qty = parseNumber(bare[1]!);
      if (qty === null) continue;
      pairOf.set(m, { start, end: start + bare[0].length, qty, unit, each: false });
      qtys.push(pairOf.get(m)!);
      usedQ.add(pairOf.get(m)!);
    } else if (ONE_OF_RE.test(t.slice(Math.max(0, m.start - 4), m.start))) {
      // "再来个U型柜", "加个一字型橱柜": one of it.
      pairOf.set(m, { start: m.start, end: m.start, qty: 1, unit, each: false });
    }
  }
  // A dozen takes the unit of its product.
  for (const [m, q] of pairOf) {
    if (q.unit === '')
      pairOf.set(m, { ...q, unit: (m.skus.length === 1 && matcher.product(m.skus[0]!)?.unit) || '套' });
  }

  // "…10樘 再来一个N60 … 4樘": 一个 right before a product with a quantity of its own says which, not how many.
  for (const q of qtys) {
    if (usedQ.has(q) || !ONE_MORE_RE.test(t.slice(q.start, q.end))) continue;
    const m = mentions.find((x) => x.start >= q.end && t.slice(q.end, x.start).trim() === '');
    if (m && pairOf.has(m) && pairOf.get(m) !== q) usedQ.add(q);
  }
  // More quantities after a paired product, with sizes/glass/opening of their own, are more lines of it: "A50
  // 800*1000 二十套 1000*1200 二十套", "G66 左开 两套 右开 两套", "T95 … 两樘 另外加一樘 900*1600".
  const extra = new Map<ProductMention, Qty[]>();
  for (const q of qtys) {
    if (usedQ.has(q)) continue;
    const prev = mentions.filter((m) => m.end <= q.start && m.skus.length === 1 && pairOf.has(m)).at(-1);
    if (!prev) continue;
    const lastQ = extra.get(prev)?.at(-1) ?? pairOf.get(prev)!;
    const next = Math.min(
      ...mentions.filter((m) => m.start > q.end).map((m) => m.start),
      ...qtys.filter((x) => x.start > q.end).map((x) => x.start),
      t.length,
    );
    const own = config.some((h) => (h.pos > lastQ.end && h.pos < q.start) || (h.pos >= q.end && h.pos < next));
    if (!own) continue;
    extra.set(prev, [...(extra.get(prev) ?? []), q]);
    usedQ.add(q);
  }

  // A series word next to a specific product of that series says the same thing: drop the vague one.
  const specific = new Set(mentions.filter((m) => m.skus.length === 1).map((m) => m.skus[0]!));
  const lines: Line[] = [];
  const ambiguities: Ambiguity[] = [];
  let withQty = false;
  for (const m of mentions) {
    let q = pairOf.get(m);
    let more = extra.get(m) ?? [];
    // "再来一个N60 1500*1800 双玻 4樘": 一个 before the product says "one more product"; its quantity follows.
    if (q && q.qty === 1 && q.end <= m.start && more.length > 0 && ONE_MORE_RE.test(t.slice(q.start, q.end))) {
      q = more[0]!;
      more = more.slice(1);
    }
    if (q) withQty = true;
    if (m.skus.length === 1) {
      lines.push({ item: q ? { sku: m.skus[0]!, qty: q.qty, unit: q.unit } : { sku: m.skus[0]! }, mention: m, q });
      for (const x of more) lines.push({ item: { sku: m.skus[0]!, qty: x.qty, unit: x.unit }, mention: m, q: x });
      continue;
    }
    const known = m.skus.filter((s) => specific.has(s));
    if (known.length === 1) {
      if (q) lines.push({ item: { sku: known[0]!, qty: q.qty, unit: q.unit }, mention: m, q });
      continue;
    }
    ambiguities.push({ mention: m.text, ...(q ? { qty: q.qty, unit: q.unit } : {}), candidates: [...m.skus] });
  }
  const configured = attachConfig(t, lines, config);
  // The same product said twice, once with a quantity: keep the line with the quantity.
  const merged: ItemSlot[] = [];
  for (const it of configured) {
    const prev = merged.find((x) => x.sku === it.sku);
    if (prev && (prev.qty === undefined || it.qty === undefined)) {
      if (prev.qty === undefined && it.qty !== undefined) Object.assign(prev, it);
      continue;
    }
    merged.push(it);
  }
  return { items: merged, ambiguities, withQty, ...looseOf(qtys, usedQ, matcher) };
}

interface Line {
  item: ItemSlot;
  mention: ProductMention;
  q?: Qty;
}

// "再来个", "加个", "要一个" right before a product.
const ONE_OF_RE = /(?:来|加|要|订|拿|补|添)一?个\s*$/;

function looseOf(qtys: Qty[], used: ReadonlySet<Qty>, matcher: CatalogMatcher) {
  const loose = qtys.filter((q) => !used.has(q));
  return {
    looseQty: loose.length,
    looseCatalogUnit: loose.some((q) => matcher.units.has(q.unit) || q.unit === '樘'),
  };
}

export interface Facts {
  t: string;
  k: string;
  ctx: ParseContext;
  matcher: CatalogMatcher;
  orderNo?: string;
  needId?: string;
  /** Every need the message names, in order (needId is the first): "N1003和N1004都我来". */
  needIds: string[];
  dealerCode?: string;
  managerCode?: string;
  phone?: string;
  date?: { date: string; rolledForward: boolean; kind: 'on' | 'by'; start: number; end: number };
  items: ItemsResult;
  mentions: ProductMention[];
  /** No code or date was masked before matching: `mentions` are `matcher.find(t)` (the model reuses them). */
  mentionsOfT: boolean;
  /** Every quantity with a unit, in text order (spans in `t`). */
  qtys: Qty[];
  /** The message ends as a question (吗, 呢, 么, ?) — normalisation drops a closing 呢, this keeps it. */
  asks: boolean;
  /** Sizes said (1500*1800, 宽1200): spans in `t`, never quantities. */
  sizeSpans: ReadonlyArray<{ start: number; end: number }>;
  /** Each size said with its position in `t` ("1200*1500那个改成1500*1500": the line meant, then its new size). */
  sizes: ReadonlyArray<{ pos: number; end: number; fields: Pick<Config, 'width_mm' | 'height_mm'> }>;
  /** A kind of product the catalog does not sell (子母门), masked before matching. */
  unsold?: string;
  /** The sizes, glass, opening and colour said anywhere in the message (the first of each), for an answer to "哪种玻璃？". */
  said: Config;
}

export function extractFacts(text: string, ctx: ParseContext, matcher: CatalogMatcher): Facts {
  // "T8O" (O for 0) is read as the catalog's T80 before anything else reads the text.
  const t = matcher.readCodes(normalize(text));
  const k = t.replace(/\s+/g, '');
  const spans: Array<{ start: number; end: number }> = [];

  // Every code (order, need, dealer, manager, phone) has digits: most messages have none and skip the regexes.
  const hasDigits = /\d/.test(t);
  const so = hasDigits ? ORDER_NO_RE.exec(t) : null;
  const orderNo = so ? `SO${so[1]!.replace(/\s+/g, '')}` : undefined;
  if (so) spans.push({ start: so.index, end: so.index + so[0].length });

  const needIds: string[] = [];
  NEED_ID_RE.lastIndex = 0;
  for (let m = hasDigits ? NEED_ID_RE.exec(t) : null; m !== null; m = NEED_ID_RE.exec(t)) {
    const digits = m[1]!;
    const code = `n${digits}`;
    if (matcher.isModelCode(code)) continue;
    // N998: three digits are no model code of the catalog; two (N60-like) need the words of a need.
    if (digits.length >= 3 || NEED_WORDS.test(k)) {
      if (!needIds.includes(`N${digits}`)) needIds.push(`N${digits}`);
      spans.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  const needId = needIds[0];
  const d = hasDigits ? DEALER_RE.exec(t) : null;
  if (d) spans.push({ start: d.index, end: d.index + d[0].length });
  const mg = hasDigits ? MANAGER_RE.exec(t) : null;
  if (mg) spans.push({ start: mg.index, end: mg.index + mg[0].length });
  const ph = hasDigits ? PHONE_RE.exec(t) : null;
  if (ph) spans.push({ start: ph.index, end: ph.index + ph[0].length });

  const dm = extractDate(mask(t, spans), ctx.now);
  if (dm) spans.push(dm);
  // A kind of product we do not sell is no catalog product (子母门 is not 木门).
  const unsold = UNSOLD_KINDS_RE.exec(t);
  if (unsold) spans.push({ start: unsold.index, end: unsold.index + unsold[0].length });

  // Codes above are not products (M001 is a manager, not a near miss of M01).
  const mentions = matcher.find(mask(t, spans));
  // Sizes (1500*1800, 宽1.2米) are not quantities: find them first.
  const config = findConfig(mask(t, [...spans, ...mentions]));
  const qtys = findQuantities(mask(t, [...spans, ...mentions, ...config.spans]));
  const items = buildItems(t, mentions, qtys, matcher, config.found, mask(t, config.spans));

  return {
    t,
    k,
    ctx,
    matcher,
    orderNo,
    needId,
    needIds,
    dealerCode: d ? `D${d[1]}` : undefined,
    managerCode: mg ? `M${mg[1]}` : undefined,
    phone: ph ? ph[1]!.replace(/[\s-]/g, '') : undefined,
    date: dm
      ? { date: dm.date, rolledForward: dm.rolledForward, kind: dateKind(t, dm), start: dm.start, end: dm.end }
      : undefined,
    items,
    mentions,
    mentionsOfT: spans.length === 0,
    qtys,
    asks: /[吗呢么嘛?？]\s*[.!。！~～]*\s*$/.test(text),
    sizeSpans: config.spans,
    sizes: config.found
      .filter((h) => h.fields.width_mm !== undefined || h.fields.height_mm !== undefined)
      .map((h) => ({ pos: h.pos, end: config.spans.find((s) => s.start === h.pos)?.end ?? h.pos, fields: h.fields })),
    ...(unsold ? { unsold: unsold[0] } : {}),
    said: Object.assign({}, ...[...config.found].reverse().map((h) => h.fields)) as Config,
  };
}

// "N60 30", "N60 x30", "N60 也来20", "N60 再加10", "合页两百": a bare number after a product is its quantity
// (Chinese only with 十/百/千, so "N60 一下" is no quantity).
const BARE_QTY_RE =
  /^\s*(?:[也再还多少]?[来要加订拿减]?)\s*[x×*]?\s*(\d{1,5}|[一二两三四五六七八九]?[十百千][一二两三四五六七八九十百零]*)(?![0-9.%a-z多余几]|\s*[号日月天点年周块元岁])/;

/** A deadline ("月底前", "最晚周五") rather than a day. */
function dateKind(t: string, dm: { start: number; end: number }): 'on' | 'by' {
  const after = t.slice(dm.end, dm.end + 4);
  const before = t.slice(Math.max(0, dm.start - 4), dm.start);
  // "下周五钱到": 钱 right after a date is a slip for 前.
  return /^\s*(之前|以前|前|钱到|为止|以内)/.test(after) || /(最晚|最迟|不晚于|截止|赶在)\s*$/.test(before)
    ? 'by'
    : 'on';
}

// ---------------------------------------------------------------- configured items (sizes, glass, opening, colour)

type Config = Pick<ItemSlot, 'width_mm' | 'height_mm' | 'glass' | 'opening' | 'color'>;
interface ConfigHit {
  pos: number;
  fields: Config;
}

const LEN_UNIT = '(mm|毫米|cm|厘米|公分|m|米)';
const NUM = '(\\d+(?:\\.\\d+)?)';
const SIZE_RE = new RegExp(`${NUM}\\s*${LEN_UNIT}?\\s*[*x×乘]\\s*${NUM}\\s*${LEN_UNIT}?`, 'g');
// "宽1米2" / "宽一米二" is 1.2 m; "1500宽" is a width; "宽改成1200" a new width.
const SIDE_NUM = '(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十]{1,3})';
const SIDE_RE = new RegExp(
  `([宽高])度?\\s*(?:改成|改为|改到|调成|调到|要|[:是为])?\\s*${SIDE_NUM}\\s*${LEN_UNIT}?(\\d(?![\\d.])|[一二三四五六七八九](?![十百千]))?|${NUM}\\s*${LEN_UNIT}?\\s*([宽高])(?!度?\\s*[:是为]?\\s*\\d)`,
  'g',
);
// "1500宽 1200高": both sides said number-first.
const SIDES_AFTER_RE = new RegExp(`${NUM}\\s*${LEN_UNIT}?\\s*([宽高])\\s*${NUM}\\s*${LEN_UNIT}?\\s*([宽高])`, 'g');
const GLASS: Array<[RegExp, NonNullable<ItemSlot['glass']>]> = [
  [/low\s*-?\s*e/g, 'lowe'],
  [/夹胶|夹层玻璃/g, 'laminated'],
  [/三玻|三层玻璃/g, 'triple'],
  [/双玻|中空|双层玻璃/g, 'double'],
  [/单玻|单层玻璃/g, 'single'],
];
const OPENING: Array<[RegExp, NonNullable<ItemSlot['opening']>]> = [
  [/内开|内倒/g, 'inward'],
  [/外开/g, 'outward'],
  [/左开|左手开/g, 'left'],
  [/右开|右手开/g, 'right'],
  [/推拉/g, 'sliding'],
];
// A colour with or without 色 ("深灰", "磨砂白", "香槟"); a bare 白/金 inside other words (明白, 白天, 金刚网) is not one.
const COLOR_RE =
  /(?<![明空坦洁黑白])(?:深|浅|星空|钛|碳|铁|亮|雅|象牙|珍珠|瓷|哑光|磨砂|拉丝|暖|冷|银|香槟|玫瑰|咖啡|胡桃|原木|橡木|柚木)?(?:灰|黑|白|银|金|铜|咖啡|棕|红|绿|蓝|黄|香槟)(?:色|(?![天班条菜酒话刚行包卡属额牌费]))|(?:胡桃|原木|橡木|柚木)(?:木纹)?色|木纹色?|古铜色?/g;

// Each alternative of these regexes holds one of the characters of its hint.
const SIDE_HINT = /[宽高]/;
const GLASS_HINT = /[e胶玻空]/;
const OPENING_HINT = /[开倒拉]/;
const COLOR_HINT = /[灰黑白银金铜咖棕红绿蓝黄香色纹]/;

/** A length in millimetres: 1.5米 = 1500, 150cm = 1500, 1500 = 1500, a bare 1.5 = 1.5 m. */
function toMm(value: number, unit: string | undefined): number {
  if (unit === 'mm' || unit === '毫米') return Math.round(value);
  if (unit === 'cm' || unit === '厘米' || unit === '公分') return Math.round(value * 10);
  if (unit === 'm' || unit === '米' || value < 10) return Math.round(value * 1000);
  return Math.round(value < 100 ? value * 10 : value);
}

// "1500*1800的", "要1500×1800那个": a whole message that is one size, the answer to "改哪一行？".
const SIZE_ANSWER_RE = new RegExp(
  `^(?:就|要|是|选|改)?${NUM}${LEN_UNIT}?[*x×乘]${NUM}${LEN_UNIT}?(?:的|那个|那行|那一行|那樘|这个|这行)?(?:吧)?$`,
);

/** The size a whole message names as its answer ("1500*1800的"), in mm; null when it says more or less. */
export function sizeAnswer(text: string): { width_mm: number; height_mm: number } | null {
  const m = SIZE_ANSWER_RE.exec(
    normalize(text)
      .replace(/\s+/g, '')
      .replace(/[.,!?~]+$/, ''),
  );
  if (!m) return null;
  const unit = m[2] ?? m[4];
  return { width_mm: toMm(Number(m[1]), unit), height_mm: toMm(Number(m[3]), unit) };
}

const NO_MATCHES: RegExpExecArray[] = [];

/** `s.matchAll(re)` for a global regex, without the copy of the regex `matchAll` makes on every call. */
function allMatches(re: RegExp, s: string): RegExpExecArray[] {
  re.lastIndex = 0;
  let m = re.exec(s);
  if (m === null) return NO_MATCHES;
  const out: RegExpExecArray[] = [];
  for (; m !== null; m = re.exec(s)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

function pushSide(found: ConfigHit[], pos: number, which: string, mm: number) {
  found.push({ pos, fields: which === '宽' ? { width_mm: mm } : { height_mm: mm } });
}

function findConfig(masked: string): { found: ConfigHit[]; spans: Array<{ start: number; end: number }> } {
  const found: ConfigHit[] = [];
  const spans: Array<{ start: number; end: number }> = [];
  // Cheap character tests first: most messages say no size, glass or opening, and skip those regexes.
  const sides = SIDE_HINT.test(masked);
  for (const m of /\d/.test(masked) ? allMatches(SIZE_RE, masked) : NO_MATCHES) {
    const unit = m[2] ?? m[4];
    found.push({ pos: m.index, fields: { width_mm: toMm(Number(m[1]), unit), height_mm: toMm(Number(m[3]), unit) } });
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const m of sides ? allMatches(SIDES_AFTER_RE, mask(masked, spans)) : NO_MATCHES) {
    if (m[3] === m[6]) continue;
    pushSide(found, m.index, m[3]!, toMm(Number(m[1]), m[2]));
    pushSide(found, m.index, m[6]!, toMm(Number(m[4]), m[5]));
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const m of sides ? allMatches(SIDE_RE, mask(masked, spans)) : NO_MATCHES) {
    const value = parseNumber(m[2] ?? m[5]!);
    if (value === null) continue;
    const tenth = m[4] === undefined ? null : parseNumber(m[4]);
    const tenths = tenth !== null && m[3] === '米' ? tenth / 10 : 0;
    pushSide(found, m.index, m[1] ?? m[7]!, toMm(value + tenths, m[3] ?? m[6]));
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  // Every glass and opening said, each for the product before it ("N60 … 双玻 8套 N75 … 推拉 双玻 6套").
  if (GLASS_HINT.test(masked))
    for (const [re, glass] of GLASS) {
      for (const m of allMatches(re, masked)) found.push({ pos: m.index, fields: { glass } });
    }
  if (OPENING_HINT.test(masked))
    for (const [re, opening] of OPENING) {
      for (const m of allMatches(re, masked)) found.push({ pos: m.index, fields: { opening } });
    }
  if (COLOR_HINT.test(masked))
    for (const m of allMatches(COLOR_RE, masked)) found.push({ pos: m.index, fields: { color: m[0] } });
  return { found: found.sort((a, b) => a.pos - b.pos), spans };
}

/**
 * Each configured field goes to the line of the product mentioned last before it whose quantity it precedes (the
 * last line when said after all of them; the first line when said before any product); "都要灰色" goes to every
 * line. Later lines of one product mention take the fields they do not say from the line before ("右开 两套"), and
 * a line "各五套" with two values of a field ("左开右开各五套") is one line per value.
 */
function attachConfig(t: string, lines: readonly Line[], found: readonly ConfigHit[]): ItemSlot[] {
  if (lines.length === 0 || found.length === 0) return lines.map((l) => l.item);
  const seen = new Map<Line, Map<string, unknown[]>>();
  const put = (line: Line, fields: Config) => {
    const byKey = seen.get(line) ?? new Map<string, unknown[]>();
    seen.set(line, byKey);
    for (const [key, value] of Object.entries(fields)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  };
  for (const hit of found) {
    if (/(都|全部|全都|统一|一律)(要|是|用|做)?\s*$/.test(t.slice(Math.max(0, hit.pos - 3), hit.pos))) {
      for (const l of lines) put(l, hit.fields);
      continue;
    }
    const before = lines.filter((l) => l.mention.start <= hit.pos).at(-1)?.mention;
    const own = before ? lines.filter((l) => l.mention === before) : [lines[0]!];
    put(own.find((l) => l.q !== undefined && l.q.end >= hit.pos) ?? own.at(-1)!, hit.fields);
  }
  const out: ItemSlot[] = [];
  let prev: Line | undefined;
  for (const line of lines) {
    const byKey = seen.get(line) ?? new Map<string, unknown[]>();
    const item: Record<string, unknown> = { ...line.item };
    for (const [key, values] of byKey) item[key] = values[0];
    if (prev && prev.mention === line.mention) {
      for (const key of CONFIG_KEYS)
        if (item[key] === undefined && out.at(-1)![key] !== undefined) item[key] = out.at(-1)![key];
    }
    const split = line.q?.each ? [...byKey].find(([, values]) => new Set(values).size > 1) : undefined;
    if (split) for (const value of new Set(split[1])) out.push({ ...(item as ItemSlot), [split[0]]: value });
    else out.push(item as ItemSlot);
    prev = line;
  }
  return out;
}

const CONFIG_KEYS = ['width_mm', 'height_mm', 'glass', 'opening', 'color'] as const;

// ---------------------------------------------------------------- results

/** ≥ 0.9: a high-precision rule fired; below: unsure (the trained model decides). */
export const HIGH = 0.95;
/**
 * A rule reading no model may overrule: words the corpus mostly reads another way whose meaning the rule knows
 * ("对账单多扣了两千" is a dispute, not a statement request; "门槛有点高" a verdict, not a question).
 */
export const DECISIVE = 1;
export const MID = 0.85;
export const LOW = 0.6;

export const parsed = (intent: Intent, slots: Slots, confidence: number): ParseResult => ({
  kind: 'parsed',
  intent,
  slots,
  confidence,
});
export const unknown = (reason: string, confidence = 0.3): ParseResult => ({ kind: 'unknown', confidence, reason });

/** An order-like result: ambiguous when some product fits several SKUs. */
export function orderResult(intent: Intent, f: Facts, confidence: number, withItemsQty = true): ParseResult {
  const slots: Slots = {};
  const items = withItemsQty ? f.items.items : f.items.items.map((i) => ({ sku: i.sku }));
  if (items.length > 0) slots.items = dedupeSkus(items, withItemsQty);
  if (f.date && withItemsQty) {
    slots.date = f.date.date;
    slots.date_kind = f.date.kind;
    if (f.date.rolledForward) slots.date_rolled_forward = true;
  }
  if (f.items.ambiguities.length > 0) {
    const ambiguities = withItemsQty
      ? f.items.ambiguities
      : f.items.ambiguities.map((a) => ({ mention: a.mention, candidates: a.candidates }));
    return { kind: 'ambiguous', intent, slots, confidence: Math.min(confidence, 0.8), ambiguities };
  }
  return parsed(intent, slots, confidence);
}

export function dedupeSkus(items: ItemSlot[], keepDuplicates: boolean): ItemSlot[] {
  if (keepDuplicates) return items;
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.sku) && seen.add(i.sku));
}
