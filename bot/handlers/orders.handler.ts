import {
  type ConfigCheck,
  type ConfigRequest,
  missingOptions,
  ofSize,
  sizePositive,
} from '../../core/catalog/options.js';
import { unitAccepted } from '../../core/catalog/pricing.js';
import { shanghaiDate } from '../../core/common/time.js';
import { diffDrafts, multiplied } from '../../core/orders/draft.diff.js';
import { OrderError } from '../../core/orders/order.errors.js';
import type { DateRequest, DraftChange, DraftOutcome, DraftView, ItemRequest } from '../../core/orders/order.types.js';
import type { OrderRecord } from '../../core/orders/ports.js';
import { withPick } from '../dialog/picks.js';
import type { ConversationState } from '../dialog/state.js';
import {
  type DealerIdentity,
  dealerOnly,
  type HandlerRegistry,
  type ParsedTurn,
  reply,
  type TurnContext,
  type TurnResult,
} from '../dialog/turn.js';
import { CANCEL_AFFIRMED } from '../nlu/draft.rules.js';
import { parseIntent } from '../nlu/intent.rules.js';
import { normalize } from '../nlu/normalize.js';
import type { Ambiguity, DraftQuestion, ItemSlot, Slots } from '../nlu/nlu.types.js';
import { UNITS } from '../nlu/nlu.types.js';
import { ordersReplies as R } from '../replies/orders.replies.js';
import { unknownModelCode } from './model-code.js';

/** What a product clarification keeps while it waits for the answer. */
interface PendingOrder {
  intent: 'order.place' | 'order.modify';
  items: ItemSlot[];
  date?: DateRequest;
  ambiguity: Ambiguity;
}

/** What "各要多少？" keeps while it waits for the quantities. */
interface PendingQty {
  items: ItemSlot[];
  date?: DateRequest;
}

/** What "哪一单？" / "确认取消 SO…？" keep while they wait. */
interface PendingOrderRef {
  orderNos?: string[];
  orderNo?: string;
}

/** Orders are a dealer's own business: the guard step gives managers a clear answer, never someone's data. */
type DealerTurn = TurnContext<DealerIdentity>;
const forDealer = (h: (ctx: DealerTurn, turn: ParsedTurn) => Promise<TurnResult>) => dealerOnly(R.dealerOnly, h);

const UNIT_ALT = [...UNITS].sort((a, b) => b.length - a.length).join('|');
const NEGATIVE_QTY_RE = new RegExp(`(?<![a-z0-9])[-−负]\\s*\\d+(?:\\.\\d+)?\\s*(?:${UNIT_ALT})`);
const SUGGESTION_RE = /建议/;

const dateOf = (slots: Slots): DateRequest | undefined =>
  slots.date
    ? {
        date: slots.date,
        ...(slots.date_rolled_forward ? { rolledForward: true } : {}),
        ...(slots.date_kind === 'by' ? { by: true } : {}),
      }
    : undefined;

const nameOf = (ctx: TurnContext, sku: string) => ctx.catalog.product(sku)?.name ?? sku;

/** The state that keeps an open draft waiting for 确认 (or nothing when there is none). */
const draftState = (ctx: TurnContext): ConversationState =>
  ctx.state.draftId ? { awaiting: 'order_confirm', draftId: ctx.state.draftId } : {};

/** Runs a draft-writing call; impossible requests become a clear reply and change nothing. */
async function guarded(fn: () => Promise<TurnResult>, ctx: TurnContext, modifying = false): Promise<TurnResult> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof OrderError)) throw e;
    const d = e.details as { sku?: string; qty?: number; max?: number; unit?: string; productUnit?: string };
    switch (e.code) {
      case 'ORDER.QTY_INVALID':
        return reply(R.qtyInvalid(nameOf(ctx, d.sku ?? ''), d.qty ?? 0, d.max ?? 0));
      case 'ORDER.UNKNOWN_PRODUCT':
        return reply(R.unknownProduct());
      case 'ORDER.TOO_MANY_LINES':
        return reply(R.tooManyLines(d.max ?? 0));
      case 'ORDER.NO_ITEMS':
        return reply(R.askItems);
      case 'ORDER.UNIT_MISMATCH':
        return reply(R.unitMismatch(nameOf(ctx, d.sku ?? ''), d.qty ?? 0, d.unit ?? '', d.productUnit ?? ''));
      case 'ORDER.NOT_CONFIGURABLE':
        return reply(R.notConfigurable(nameOf(ctx, d.sku ?? '')));
      case 'ORDER.CONFIG_INVALID': {
        const check = (e.details as { check: Exclude<ConfigCheck, { ok: true }> }).check;
        const options = ctx.catalog.product(d.sku ?? '')?.options;
        if (check.reason === 'missing')
          return options ? reply(R.askOptions(nameOf(ctx, d.sku ?? ''), check.fields, options)) : reply(R.askItems);
        return reply(R.configInvalid(nameOf(ctx, d.sku ?? ''), check, modifying ? R.nothingChanged : undefined));
      }
      default:
        throw e;
    }
  }
}

function askWhich(ctx: TurnContext, pending: PendingOrder, draftId?: string): TurnResult {
  const state: ConversationState = {
    awaiting: 'clarify_product',
    ...(draftId ? { draftId } : {}),
    asked: { kind: 'product', intent: pending.intent, pending },
    candidates: pending.ambiguity.candidates,
  };
  return {
    ...reply(
      R.askWhich(
        pending.ambiguity.mention,
        pending.ambiguity.candidates.map((s) => nameOf(ctx, s)),
      ),
    ),
    state,
  };
}

const CONFIG_SLOTS = ['width_mm', 'height_mm', 'glass', 'opening'] as const;
/** A line said with a size, glass or opening is a made-to-size request. */
const saysConfig = (i: ItemSlot) => CONFIG_SLOTS.some((k) => i[k] !== undefined);

function configRequest(i: Pick<ItemSlot, (typeof CONFIG_SLOTS)[number] | 'color'>): ConfigRequest {
  return {
    ...(i.width_mm !== undefined ? { widthMm: i.width_mm } : {}),
    ...(i.height_mm !== undefined ? { heightMm: i.height_mm } : {}),
    ...(i.glass ? { glass: i.glass } : {}),
    ...(i.opening ? { opening: i.opening } : {}),
    ...(i.color ? { color: i.color } : {}),
  };
}

// Glass words the parser reads (NLU.md); any other "…玻璃" is one we do not make.
const KNOWN_GLASS = /单玻|双玻|三玻|中空|夹胶|夹层|单层|双层|三层|low\s*-?\s*e/;
function unknownGlassWord(text: string): string | undefined {
  for (const m of normalize(text).matchAll(/[\u4e00-\u9fff]{1,2}玻璃?/g)) if (!KNOWN_GLASS.test(m[0])) return m[0];
  return undefined;
}

/**
 * Made-to-size lines checked before a draft: a product not made to size, a glass we do not make, or options not
 * said (asked once for all of them; a second answer that still lacks some ends the request). Null: go on.
 */
function optionsProblem(
  ctx: TurnContext,
  items: ItemSlot[],
  date: DateRequest | undefined,
  askedBefore: boolean,
): TurnResult | null {
  const glassWord = unknownGlassWord(ctx.text);
  for (const i of items) {
    const p = ctx.catalog.product(i.sku);
    if (glassWord && p?.options) return reply(R.unknownGlass(glassWord, p.name, p.options));
    if (saysConfig(i) && !p?.options) return reply(R.notConfigurable(nameOf(ctx, i.sku)));
  }
  for (const i of items) {
    const options = ctx.catalog.product(i.sku)?.options;
    if (!options || !saysConfig(i)) continue;
    const fields = missingOptions(options, configRequest(i));
    if (fields.length === 0) continue;
    const name = nameOf(ctx, i.sku);
    if (askedBefore) return { ...reply(R.optionsStillMissing(name, fields, options)), state: draftState(ctx) };
    const pending: PendingQty = { items, ...(date ? { date } : {}) };
    return {
      ...reply(R.askOptions(name, fields, options)),
      state: {
        ...draftState(ctx),
        awaiting: 'clarify_option',
        asked: { kind: 'options', intent: 'order.place', pending },
        candidates: [i.sku],
      },
    };
  }
  return null;
}

/** The answer to "N60 要哪种玻璃、内开还是外开？": what it says fills the made-to-size lines that lack it. */
async function fillOptions(ctx: DealerTurn, turn: ParsedTurn): Promise<TurnResult> {
  const pending = ctx.state.asked?.pending as PendingQty | undefined;
  if (!pending?.items) return { ...reply(R.askItems), state: draftState(ctx) };
  const said = turn.slots.items?.[0] ?? { sku: '' };
  const items = pending.items.map((i): ItemSlot => {
    if (!saysConfig(i) || !ctx.catalog.product(i.sku)?.options) return i;
    const filled: ItemSlot = { ...i };
    for (const k of [...CONFIG_SLOTS, 'color'] as const)
      if (filled[k] === undefined && said[k] !== undefined) Object.assign(filled, { [k]: said[k] });
    return filled;
  });
  return newDraft(ctx, ctx.identity, items, pending.date, undefined, true);
}

/** "A70 十个", "一个L01橱柜": a line said in 个 of a product sold by 套 is counted in 套, and the draft says so. */
function unitReadNotes(
  ctx: TurnContext,
  items: ReadonlyArray<{ sku?: string; qty?: number; unit?: string }>,
): string[] {
  return items
    .filter((i) => i.sku && i.qty && i.unit === '个' && ctx.catalog.product(i.sku)?.unit === '套')
    .map((i) => R.unitReadAs(nameOf(ctx, i.sku!), i.qty!, '个', '套'));
}

/** A new draft; the previous open draft of this chat (if any) is dropped so only one waits for 确认. */
async function newDraft(
  ctx: TurnContext,
  dealer: DealerIdentity,
  items: ItemSlot[],
  date: DateRequest | undefined,
  title?: string,
  optionsAsked = false,
): Promise<TurnResult> {
  const problem = optionsProblem(ctx, items, date, optionsAsked);
  if (problem) return problem;
  const missing = items.filter((i) => i.qty === undefined);
  if (missing.length > 0) {
    // Asked once; the answer ("30", "各30套") fills the lines without a quantity.
    const pending: PendingQty = { items, ...(date ? { date } : {}) };
    return {
      ...reply(R.askQty(missing.map((i) => nameOf(ctx, i.sku)))),
      state: { ...draftState(ctx), awaiting: 'clarify_qty', asked: { kind: 'qty', intent: 'order.place', pending } },
    };
  }
  // "N60 二十 Q05 十个": the lines in the product's unit are drafted, the other is explained (all wrong: refused).
  const unitOf = (i: ItemSlot) => ctx.catalog.product(i.sku)?.unit;
  const wrongUnit = items.filter((i) => i.unit && unitOf(i) && !unitAccepted(ctx.catalog.product(i.sku)!, i.unit));
  const drafted = wrongUnit.length < items.length ? items.filter((i) => !wrongUnit.includes(i)) : items;
  const notes = [
    ...unitReadNotes(ctx, drafted),
    ...(drafted === items ? [] : wrongUnit).map((i) =>
      R.unitLineLeftOut(nameOf(ctx, i.sku), i.qty!, i.unit!, unitOf(i)!),
    ),
  ];
  return guarded(async () => {
    const svc = ctx.services.orders;
    const requests: ItemRequest[] = drafted.map((i) => ({
      sku: i.sku,
      qty: i.qty!,
      ...(i.unit ? { unit: i.unit } : {}),
      ...(saysConfig(i) ? { config: configRequest(i) } : {}),
    }));
    const view = await svc.createDraft(dealer.dealerCode, requests, date, ctx.now);
    if (ctx.state.draftId && ctx.state.draftId !== view.id)
      await svc.cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
    const body = R.draft(view, title ? { title } : {});
    return {
      ...reply(notes.length > 0 ? `${notes.join('\n')}\n\n${body}` : body),
      state: { awaiting: 'order_confirm', draftId: view.id },
    };
  }, ctx);
}

const ADDRESS_WORDS = /地址|收货地|送货地|送到(?:我们|我)?\S{0,6}(?:仓库|库房|新店)/;

function draftReply(
  out: DraftOutcome,
  ctx: TurnContext,
  draftId: string,
  before?: DraftView,
  notes: string[] = [],
): TurnResult {
  switch (out.kind) {
    case 'draft': {
      // Every change is echoed: what changed and what stayed ("N75 30套 不变；新增 N60 20套").
      // A change that did not take (a refused date: its line says why) is no "已修改".
      const diffs = before ? diffDrafts(before, out.view) : [];
      const changed = diffs.some((d) => d.kind !== 'same');
      const body = changed
        ? `${R.changeEcho(diffs)}\n${R.draft(out.view)}`
        : `${before ? `${R.nothingChanged}\n` : ''}${R.draft(out.view)}`;
      const said = changed && notes.length > 0 ? `${notes.join('\n')}\n\n${body}` : body;
      return { ...reply(said), state: { awaiting: 'order_confirm', draftId } };
    }
    case 'gone':
      return { ...reply(R.draftGone(out.reason, out.orderNo)), state: {} };
    case 'no_change':
      return reply(out.reason === 'last_line' ? R.lastLine : R.notInDraft(nameOf(ctx, out.sku)));
  }
}

/**
 * The NLU's `change` as draft changes, given the draft as it is; a string is the question asked back instead (the
 * draft stays). Nothing is guessed: a product without a quantity, a quantity without a line, a vague product
 * that fits no line or several all ask.
 */
function planChanges(ctx: TurnContext, turn: ParsedTurn, view: DraftView): Planned {
  const change = turn.slots.change!;
  if (change.more?.length) {
    // "B45改成两百套，N60不要了": every change is planned, or the first that cannot be is asked back (none applies).
    const out: DraftChange[] = [];
    for (const one of [{ ...change, more: undefined }, ...change.more]) {
      const planned = planChanges(ctx, { ...turn, slots: { ...turn.slots, change: one } }, view);
      if (!Array.isArray(planned)) return planned;
      out.push(...planned);
    }
    return out;
  }
  const lines = view.lines;
  const line = (sku: string) => lines.find((l) => l.sku === sku);
  const dateReq = dateOf({ ...turn.slots, ...(change.date ? { date: change.date } : {}) });
  const date: DraftChange[] = change.date && dateReq ? [{ kind: 'date', date: dateReq }] : [];
  if (change.line_size) return sizedChange(ctx, turn, view, date);
  // A product with several made-to-size lines ("N60改成8樘" with N60 in two sizes): which one is asked, never
  // guessed. (A sized line added is a line of its own.)
  if (change.kind !== 'configure' && change.kind !== 'date' && change.kind !== 'add') {
    const named = [...(change.items ?? []).map((i) => i.sku), ...(change.candidates ?? [])];
    const several = named.find((sku) => lines.filter((l) => l.sku === sku).length > 1);
    if (several)
      return whichLine(
        turn,
        lines.filter((l) => l.sku === several),
      );
    const oneProduct = lines.length > 1 && new Set(lines.map((l) => l.sku)).size === 1;
    if (named.length === 0 && change.qty !== undefined && change.kind !== 'multiply' && oneProduct)
      return whichLine(turn, lines);
  }
  switch (change.kind) {
    case 'date':
      return date.length > 0 ? date : R.modifyUnclear;
    case 'multiply': {
      const factor = change.factor ?? 1;
      const targets = change.items?.length ? change.items.map((i) => ({ sku: i.sku, l: line(i.sku) })) : null;
      const missing = targets?.find((t) => !t.l);
      if (missing) return R.notInDraft(nameOf(ctx, missing.sku));
      const out: DraftChange[] = [];
      for (const l of targets ? targets.map((t) => t.l!) : lines) {
        const qty = multiplied(l.qty, factor);
        if (qty === null) return R.factorNotWhole;
        out.push({ kind: 'set', sku: l.sku, qty, ...(l.config ? { from: l.config } : {}) });
      }
      return [...out, ...date];
    }
    case 'configure':
      return configureChange(ctx, turn, view, date);
    case 'remove': {
      if (change.items?.length) return change.items.map((i) => ({ kind: 'remove', sku: i.sku }));
      const inDraft = (change.candidates ?? []).filter((c) => line(c));
      if (inDraft.length === 1) return [{ kind: 'remove', sku: inDraft[0]! }];
      if (inDraft.length === 0) return R.notInDraftMention(change.mention ?? '');
      return R.whichOfDraft(inDraft.map((c) => nameOf(ctx, c)));
    }
    default: {
      const kind = change.kind;
      let items: ItemSlot[] = [...(change.items ?? [])];
      // "窄边框改成40套" while the draft holds N60: the series word means the product already in the draft.
      if (items.length === 0 && turn.result.kind === 'ambiguous') {
        for (const a of turn.result.ambiguities) {
          const inDraft = a.candidates.filter((c) => line(c));
          const qty = change.qty ?? a.qty;
          const unit = change.unit ?? a.unit;
          if (inDraft.length === 1)
            items.push({ sku: inDraft[0]!, ...(qty !== undefined ? { qty } : {}), ...(unit ? { unit } : {}) });
        }
      }
      if (items.length === 0) {
        if (change.qty === undefined) return date.length > 0 ? date : R.modifyUnclear;
        if (lines.length !== 1) return R.whichLine;
        items = [{ sku: lines[0]!.sku, qty: change.qty, ...(change.unit ? { unit: change.unit } : {}) }];
      }
      const out: DraftChange[] = [];
      // "N75换成T80": the replaced line's quantity carries over, only in the same unit (units never change silently).
      // "不对，是T80" replaces the only line; with several, which one is asked.
      const only = items.length === 1 ? items[0]! : undefined;
      const swapped = only && !line(only.sku) ? only : undefined;
      if (swapped && change.corrects && lines.length > 1) return R.whichLineReplaced(nameOf(ctx, swapped.sku));
      const replaced = change.replaces ? line(change.replaces) : change.corrects ? lines[0] : undefined;
      if (replaced && swapped) {
        const unit = ctx.catalog.product(swapped.sku)?.unit;
        // Added before the old line goes, so the draft's only line can be replaced.
        const remove: DraftChange = { kind: 'remove', sku: replaced.sku };
        if (swapped.qty !== undefined && swapped.qty > 0) {
          const said = { qty: swapped.qty, ...(swapped.unit ? { unit: swapped.unit } : {}) };
          return [{ kind: 'add', sku: swapped.sku, ...said }, remove, ...date];
        }
        if (unit === replaced.unit)
          return [{ kind: 'add', sku: swapped.sku, qty: replaced.qty, unit }, remove, ...date];
        if (swapped.qty === undefined) return R.askSwapQty(replaced.name, nameOf(ctx, swapped.sku), unit ?? '');
      }
      for (const it of items) {
        const l = line(it.sku);
        // A product without a quantity never takes another line's ("那个T80呢" must not swap N60 for T80).
        if (it.qty === undefined) return l ? R.askNewQty(l.name, l.unit) : R.askAddQty(nameOf(ctx, it.sku));
        if (it.qty === 0) out.push({ kind: 'remove', sku: it.sku });
        // A made-to-size product new to the draft keeps its size and options, added or "set" ("T80 1200*1500 三玻 10樘").
        else if ((kind === 'add' || (kind === 'set' && !l)) && saysConfig(it))
          out.push({
            kind: 'add',
            sku: it.sku,
            qty: it.qty,
            ...(it.unit ? { unit: it.unit } : {}),
            config: configRequest(it),
          });
        else out.push({ kind, sku: it.sku, qty: it.qty, ...(it.unit ? { unit: it.unit } : {}) });
      }
      return [...out, ...date];
    }
  }
}

/** "改哪一行？": the lines to pick from, each as the change with that line's size (a pick by size or by "第二个"). */
interface WhichLine {
  ask: string;
  options: Slots[];
}

type Line = DraftView['lines'][number];
/** The draft changes a message makes, or what is said back instead (a string; a list of lines to pick from). */
type Planned = DraftChange[] | string | WhichLine;
const sizeOf = (l: Line) => ({ width_mm: l.config?.widthMm ?? 0, height_mm: l.config?.heightMm ?? 0 });

function whichLine(turn: ParsedTurn, candidates: readonly Line[]): WhichLine {
  const change = turn.slots.change!;
  const qty = change.items?.[0]?.qty;
  const unit = change.items?.[0]?.unit;
  return {
    ask: R.whichConfiguredLine(candidates.map(R.configuredLine), candidates[0]?.config),
    options: candidates.map((l) => ({
      ...turn.slots,
      change: {
        ...change,
        items: [{ sku: l.sku, ...(qty !== undefined ? { qty } : {}), ...(unit ? { unit } : {}) }],
        line_size: sizeOf(l),
      },
    })),
  };
}

/**
 * "1200*1500那个改成8樘", "1500*1800的颜色换深灰", "把1200*1500那个删了": the change applies to the made-to-size line
 * of that size (of the product named, if any); no such line gets the lines there are, several are asked back.
 */
function sizedChange(ctx: TurnContext, turn: ParsedTurn, view: DraftView, date: DraftChange[]): Planned {
  const change = turn.slots.change!;
  const size = change.line_size!;
  const named = (change.items ?? []).map((i) => i.sku);
  const configured = view.lines.filter((l) => l.config && (named.length === 0 || named.includes(l.sku)));
  const meant = configured.filter((l) => ofSize(l.config, { widthMm: size.width_mm, heightMm: size.height_mm }));
  if (meant.length === 0)
    return configured.length > 0
      ? R.noLineOfSize(size, configured.map(R.configuredLine))
      : named.length > 0 && !view.lines.some((l) => named.includes(l.sku))
        ? R.notInDraft(nameOf(ctx, named[0]!))
        : R.noConfiguredLine;
  if (meant.length > 1) return whichLine(turn, meant);
  const l = meant[0]!;
  const from = l.config!;
  const said = change.items?.find((i) => i.sku === l.sku && i.qty !== undefined);
  const qty = said?.qty ?? change.qty;
  const unit = (said ? said.unit : change.unit) ?? undefined;
  switch (change.kind) {
    case 'configure':
      return configureLine(l, change.config ?? {}, date);
    case 'remove':
      return [{ kind: 'remove', sku: l.sku, from }, ...date];
    case 'multiply': {
      const n = multiplied(l.qty, change.factor ?? 1);
      return n === null ? R.factorNotWhole : [{ kind: 'set', sku: l.sku, qty: n, from }, ...date];
    }
    case 'date':
      return date.length > 0 ? date : R.modifyUnclear;
    default: {
      if (qty === undefined) return R.askNewQty(R.configuredLine(l), l.unit);
      if (qty === 0) return [{ kind: 'remove', sku: l.sku, from }, ...date];
      // "再加两樘" on a line of one size adds to that line (the product's other lines stay).
      const kind = change.kind === 'add' ? 'set' : change.kind;
      const n = change.kind === 'add' ? l.qty + qty : qty;
      return [{ kind, sku: l.sku, qty: n, ...(unit ? { unit } : {}), from }, ...date];
    }
  }
}

/** The configure change of one made-to-size line; a size of zero or below is answered and changes nothing. */
function configureLine(
  l: Line,
  config: NonNullable<DraftChangeSlot['config']>,
  date: DraftChange[],
): DraftChange[] | string {
  const req = configRequest(config);
  if (!sizePositive(req)) return R.sizeNotPositive;
  // "颜色要深灰" on a line already 深灰: said in a word, not with the whole draft again.
  const keys = Object.keys(req) as Array<keyof ConfigRequest>;
  if (date.length === 0 && keys.length > 0 && keys.every((key) => l.config?.[key] === req[key]))
    return R.alreadyConfigured(req);
  return [{ kind: 'configure', sku: l.sku, from: l.config!, config: req }, ...date];
}

type DraftChangeSlot = NonNullable<Slots['change']>;

/**
 * "颜色换成白的", "T80改成外开", "尺寸改成1500*1500": the one made-to-size line meant (the product named, else the
 * only one) takes the new options or size; several lines are asked back (by size or position), never guessed.
 */
function configureChange(ctx: TurnContext, turn: ParsedTurn, view: DraftView, date: DraftChange[]): Planned {
  const change = turn.slots.change!;
  const config = change.config ?? {};
  const sizing = config.width_mm !== undefined || config.height_mm !== undefined;
  const named = (change.items ?? []).map((i) => i.sku);
  const lines = view.lines.filter((l) => named.length === 0 || named.includes(l.sku));
  const configured = lines.filter((l) => l.config);
  if (configured.length === 1) return configureLine(configured[0]!, config, date);
  if (configured.length > 1) return whichLine(turn, configured);
  // "N60 1500*1800" for a product new to the draft, without a quantity: how many is asked, as for any new line.
  if (named.length > 0 && lines.length === 0)
    return sizing ? R.askAddQty(nameOf(ctx, named[0]!)) : R.notInDraft(nameOf(ctx, named[0]!));
  const standard = lines.length === 1 ? lines[0]! : undefined;
  if (standard && ctx.catalog.product(standard.sku)?.options) return R.notMadeToSizeLine(standard.name, sizing);
  if (standard) return sizing ? R.standardSized(standard.name) : R.notConfigurable(standard.name);
  return sizing ? R.noConfiguredLineToSize : R.noConfiguredLine;
}

/** A question asked while the draft waits: answered from the draft, which stays as it is. */
async function answerQuestion(
  ctx: DealerTurn,
  q: DraftQuestion,
  items: ItemSlot[] | undefined,
  view: DraftView,
): Promise<TurnResult> {
  const unchanged = R.draftUnchanged(view);
  const skus = [...new Set([...(q.items ?? []), ...(items ?? [])].map((i) => i.sku))];
  const dealer = { code: ctx.identity.dealerCode, tier: ctx.identity.tier };
  switch (q.about) {
    case 'delivery':
      return reply(`${R.deliveryAnswer(view, q.date, shanghaiDate(ctx.now))}\n${unchanged}`);
    case 'total':
      return reply(R.totalAnswer(view));
    case 'rebate': {
      const extra = (items ?? []).flatMap((i) =>
        i.qty && i.qty > 0
          ? [{ sku: i.sku, qty: i.qty, unit: i.unit ?? ctx.catalog.product(i.sku)?.unit ?? '套' }]
          : [],
      );
      const draftId = ctx.state.draftId;
      const what =
        extra.length > 0 && draftId
          ? await ctx.services.orders.previewDraft(ctx.identity.dealerCode, draftId, extra, ctx.now)
          : undefined;
      const counted = what?.kind === 'draft' ? what.view : view;
      const added = counted === view ? [] : extra.map((i) => `${nameOf(ctx, i.sku)} ${i.qty}${i.unit}`);
      return reply(`${R.rebateAnswer(counted, added)}\n${unchanged}`);
    }
    case 'price': {
      const prices =
        skus.length > 0
          ? (await ctx.services.stock.report(dealer, skus, ctx.now)).map((r) => ({
              name: r.product.name,
              priceFen: r.product.priceFen,
              unit: r.product.unit,
            }))
          : view.lines.map((l) => ({ name: l.name, priceFen: l.unitPriceFen, unit: l.unit }));
      return reply(`${R.priceAnswer(prices)}\n${unchanged}`);
    }
    case 'stock':
    case 'product': {
      const reports = await ctx.services.stock.report(
        dealer,
        skus.length > 0 ? skus : view.lines.map((l) => l.sku),
        ctx.now,
      );
      return reply(`${R.stock(reports, ctx.now)}\n\n${unchanged}`);
    }
  }
}

/**
 * The question the rules read in a message the model took for a draft change without a change ("那个T80呢",
 * "明天能送到吗"): the model chose the intent and its slots carry no question, yet the draft must not move.
 */
function rulesQuestion(ctx: DealerTurn): DraftQuestion | undefined {
  const r = parseIntent(ctx.text, { sender: 'dealer', now: ctx.now, awaiting: 'order_confirm' }, ctx.catalog);
  return r.kind === 'unknown' ? undefined : r.slots.question;
}

/** "SO… 改成40套": a placed order is never edited by chat; the dealer hears how to change it. */
async function placedOrderChange(ctx: DealerTurn, orderNo: string): Promise<TurnResult> {
  const order = await ctx.services.orders.order(ctx.identity.dealerCode, orderNo);
  return reply(order ? R.placedOrderChange(order) : R.notFound(orderNo));
}

async function modify(ctx: DealerTurn, turn: ParsedTurn): Promise<TurnResult> {
  if (turn.slots.order_no) return placedOrderChange(ctx, turn.slots.order_no);
  const draftId = ctx.state.draftId;
  if (!draftId) {
    // Only a cancel question was waiting: "S30 30套" is a new order, not a change of a draft.
    const items = turn.slots.items ?? [];
    if (cancelAsked(ctx) && items.length > 0 && items.every((i) => i.qty !== undefined && i.qty > 0))
      return newDraft(ctx, ctx.identity, items, dateOf(turn.slots));
    return reply(R.noDraft);
  }
  const svc = ctx.services.orders;
  const current = await svc.showDraft(ctx.identity.dealerCode, draftId, ctx.now);
  if (current.kind !== 'draft') return draftReply(current, ctx, draftId);
  const { change } = turn.slots;
  // "宽改成-1.2米" is a size below zero, answered as one (configure), not a negative quantity.
  if (change?.kind !== 'configure' && NEGATIVE_QTY_RE.test(normalize(ctx.text))) return reply(R.negativeQty);
  const question = turn.slots.question ?? (change ? undefined : rulesQuestion(ctx));
  // "送货地址改成我们嘉定的仓库": the address is the account's, changed by the account manager, not in the draft.
  if (!change?.items?.length && ADDRESS_WORDS.test(normalize(ctx.text))) return reply(R.addressByManager);
  if (!change) {
    // A draft changes only on an explicit change: a question is answered, anything else is asked back.
    if (question) return answerQuestion(ctx, question, turn.slots.items, current.view);
    const amb = turn.result.kind === 'ambiguous' ? turn.result.ambiguities[0] : undefined;
    if (amb) return askWhich(ctx, { intent: 'order.modify', items: [], ambiguity: amb }, draftId);
    const named = turn.slots.items?.[0];
    if (named) {
      const l = current.view.lines.find((x) => x.sku === named.sku);
      return reply(l ? R.askNewQty(l.name, l.unit) : R.askAddQty(nameOf(ctx, named.sku)));
    }
    // "X99 十套": a model we do not sell is named back, as without a draft.
    const unknown = turn.slots.unknown_product ?? unknownModelCode(ctx);
    if (unknown) return reply(`${R.unknownProduct(unknown)}${R.nothingChanged}`);
    return reply(R.modifyUnclear);
  }
  if (turn.result.kind === 'ambiguous' && !change.items?.length && change.kind !== 'remove') {
    const amb = turn.result.ambiguities[0]!;
    const inDraft = amb.candidates.filter((c) => current.view.lines.some((l) => l.sku === c));
    if (inDraft.length !== 1) return askWhich(ctx, { intent: 'order.modify', items: [], ambiguity: amb }, draftId);
  }
  // "N60 1500*1800改成6樘": a product said with the size of one of its draft lines names that line.
  const lineSize = change.line_size ?? sizeOfDraftLine(change, current.view);
  const sized: ParsedTurn =
    lineSize && !change.line_size
      ? { ...turn, slots: { ...turn.slots, change: { ...change, line_size: lineSize } } }
      : turn;
  // Made-to-size lines are checked as in a new order; an option missing here is asked with the whole line.
  // (A change of options alone names no size: the draft line has it; a line named by its size is in the draft.)
  const named = change.more ? (turn.slots.items ?? []).filter((i) => i.qty !== 0) : (change.items ?? turn.slots.items);
  const problem = change.kind === 'configure' || lineSize ? null : optionsProblem(ctx, named ?? [], undefined, true);
  if (problem) return { ...problem, state: draftState(ctx) };
  const planned = planChanges(ctx, sized, current.view);
  if (typeof planned === 'string') return reply(planned);
  if (!Array.isArray(planned))
    return {
      ...reply(planned.ask),
      state: withPick(draftState(ctx), { intent: 'order.modify', options: planned.options }),
    };
  return guarded(
    async () =>
      draftReply(
        await svc.modifyDraft(ctx.identity.dealerCode, draftId, planned, ctx.now),
        ctx,
        draftId,
        current.view,
        unitReadNotes(
          ctx,
          planned.filter((c) => c.kind === 'add' || c.kind === 'set'),
        ),
      ),
    ctx,
    true,
  );
}

/** The size of a draft line a quantity change or removal names with its product ("N60 1500*1800改成6樘"). */
function sizeOfDraftLine(change: DraftChangeSlot, view: DraftView): DraftChangeSlot['line_size'] {
  if (change.kind === 'add' || change.kind === 'configure' || change.kind === 'date') return undefined;
  for (const i of change.items ?? []) {
    if (i.width_mm === undefined || i.height_mm === undefined) continue;
    const size = { widthMm: i.width_mm, heightMm: i.height_mm };
    if (view.lines.some((l) => l.sku === i.sku && ofSize(l.config, size)))
      return { width_mm: i.width_mm, height_mm: i.height_mm };
  }
  return undefined;
}

/** The answer to "您要的是 A 还是 B？": asked once; a second unclear answer offers help and a person. */
async function clarify(ctx: DealerTurn, turn: ParsedTurn): Promise<TurnResult> {
  const pending = ctx.state.asked?.pending as PendingOrder | undefined;
  const back = draftState(ctx);
  if (!pending?.ambiguity) return { ...reply(R.clarifyFailed), state: back };
  const { candidates } = pending.ambiguity;
  const answered = [
    ...(turn.slots.items ?? []).map((i) => i.sku),
    ...(turn.result.kind === 'ambiguous' ? turn.result.ambiguities.flatMap((a) => a.candidates) : []),
  ].filter((s) => candidates.includes(s));
  const chosen = [...new Set(answered)];
  if (chosen.length !== 1) return { ...reply(R.clarifyFailed), state: back };
  const said = turn.slots.items?.find((i) => i.sku === chosen[0]);
  const qty = said?.qty ?? pending.ambiguity.qty;
  const unit = said?.qty !== undefined ? said.unit : pending.ambiguity.unit;
  const item: ItemSlot = { sku: chosen[0]!, ...(qty !== undefined ? { qty } : {}), ...(unit ? { unit } : {}) };
  if (pending.intent === 'order.place') {
    // A date said with the answer ("N60 后天送") is the order's, before the one the question was asked with.
    const date = dateOf(turn.slots) ?? pending.date;
    const result = await newDraft(ctx, ctx.identity, [...pending.items, item], date);
    return result.state ? result : { ...result, state: back };
  }
  const draftId = ctx.state.draftId;
  if (!draftId) return { ...reply(R.noDraft), state: {} };
  if (item.qty === undefined) return { ...reply(R.askQty([nameOf(ctx, item.sku)])), state: back };
  const svc = ctx.services.orders;
  const current = await svc.showDraft(ctx.identity.dealerCode, draftId, ctx.now);
  if (current.kind !== 'draft') return draftReply(current, ctx, draftId);
  const change: DraftChange = { kind: 'set', sku: item.sku, qty: item.qty, ...(item.unit ? { unit: item.unit } : {}) };
  return guarded(async () => {
    const out = await svc.modifyDraft(ctx.identity.dealerCode, draftId, [change], ctx.now);
    const result = draftReply(out, ctx, draftId, current.view);
    return result.state ? result : { ...result, state: back };
  }, ctx);
}

/** The answer to "各要多少？": one number fills every line without a quantity, or lines name their own. */
async function fillQty(ctx: DealerTurn, turn: ParsedTurn): Promise<TurnResult> {
  const pending = ctx.state.asked?.pending as PendingQty | undefined;
  const back = draftState(ctx);
  if (!pending?.items) return { ...reply(R.askItems), state: back };
  const named = new Map((turn.slots.change?.items ?? turn.slots.items ?? []).map((i) => [i.sku, i]));
  // An order of other products is a new request, not the answer: the question about the pending lines is dropped.
  const asked = new Set(pending.items.map((i) => i.sku));
  const others = [...named.values()].filter((i) => !asked.has(i.sku));
  if (others.length > 0 && others.length === named.size && others.every((i) => i.qty !== undefined)) {
    return newDraft(ctx, ctx.identity, others, dateOf(turn.slots));
  }
  const each = turn.slots.change?.qty;
  const unit = turn.slots.change?.unit;
  const items = pending.items.map((i): ItemSlot => {
    if (i.qty !== undefined) return i;
    const n = named.get(i.sku);
    if (n?.qty !== undefined) return { ...i, qty: n.qty, ...(n.unit ? { unit: n.unit } : {}) };
    return each !== undefined ? { ...i, qty: each, ...(unit ? { unit } : {}) } : i;
  });
  if (items.some((i) => i.qty === undefined)) {
    const missing = items.filter((i) => i.qty === undefined).map((i) => nameOf(ctx, i.sku));
    return { ...reply(R.askExactQty(missing)), state: back };
  }
  const result = await newDraft(ctx, ctx.identity, items, dateOf(turn.slots) ?? pending.date);
  return result.state ? result : { ...result, state: back };
}

/** Asks before cancelling a placed order, with its amount. */
async function askCancel(ctx: DealerTurn, orderNo: string): Promise<TurnResult> {
  const order = await ctx.services.orders.order(ctx.identity.dealerCode, orderNo);
  if (!order) return { ...reply(R.notFound(orderNo)), state: draftState(ctx) };
  if (order.status === 'cancelled') return { ...reply(R.alreadyCancelled(order)), state: draftState(ctx) };
  if (order.status !== 'placed') return { ...reply(R.notCancellable(order)), state: draftState(ctx) };
  const pending: PendingOrderRef = { orderNo };
  return {
    ...reply(R.cancelAsk(order)),
    state: { ...draftState(ctx), awaiting: 'order_confirm', asked: { kind: 'order', intent: 'order.cancel', pending } },
  };
}

/** Cancels the placed order the dealer just said yes to cancelling. */
async function cancelPlaced(ctx: DealerTurn, orderNo: string): Promise<TurnResult> {
  const out = await ctx.services.orders.cancelOrder(ctx.identity.dealerCode, orderNo, ctx.now);
  const state = draftState(ctx);
  switch (out.kind) {
    case 'cancelled':
      return { ...reply(R.cancelled(out.order)), state };
    case 'already_cancelled':
      return { ...reply(R.alreadyCancelled(out.order)), state };
    case 'not_cancellable':
      return { ...reply(R.notCancellable(out.order)), state };
    case 'not_found':
      return { ...reply(R.notFound(orderNo)), state };
  }
}

/** The order a reference picks among those the bot listed ("最近那单", "第二个"). */
function pickOrder(orders: OrderRecord[], turn: ParsedTurn, listed: string[] | undefined): OrderRecord | undefined {
  const pool = listed ? orders.filter((o) => listed.includes(o.orderNo)) : orders;
  const ref = turn.slots.ref;
  return ref?.kind === 'ordinal' ? pool.at(ref.index ?? 0) : pool[0];
}

const cancelAsked = (ctx: TurnContext) =>
  ctx.state.asked?.kind === 'order' &&
  ctx.state.asked.intent === 'order.cancel' &&
  ctx.state.awaiting === 'order_confirm'
    ? (ctx.state.asked.pending as PendingOrderRef).orderNo
    : undefined;

export const orderHandlers: HandlerRegistry = {
  'order.place': forDealer(async (ctx, turn) => {
    const dealer = ctx.identity;
    if (NEGATIVE_QTY_RE.test(normalize(ctx.text))) return reply(R.negativeQty);
    const items = turn.slots.items ?? [];
    if (turn.result.kind === 'ambiguous') {
      const ambiguity = turn.result.ambiguities[0]!;
      const date = dateOf(turn.slots);
      return askWhich(ctx, { intent: 'order.place', items, ...(date ? { date } : {}), ambiguity }, ctx.state.draftId);
    }
    if (items.length === 0) {
      if (!SUGGESTION_RE.test(ctx.text)) {
        // A model code or kind of product we do not sell gets named back, not a generic "what do you want?".
        const unknown = turn.slots.unknown_product ?? unknownModelCode(ctx);
        return reply(unknown ? R.unknownProduct(unknown) : R.askItems);
      }
      // "按建议下单": the advice is recomputed now, so the draft matches today's stock and sales.
      const advice = await ctx.services.stock.replenishment({ code: dealer.dealerCode, tier: dealer.tier }, ctx.now);
      if (advice.length === 0) return reply(R.replenishNone);
      return newDraft(
        ctx,
        dealer,
        advice.map((a) => ({ sku: a.sku, qty: a.qty, unit: a.product.unit })),
        dateOf(turn.slots),
        R.suggestionDraftTitle,
      );
    }
    return newDraft(ctx, dealer, items, dateOf(turn.slots));
  }),

  'order.modify': forDealer(async (ctx, turn) =>
    ctx.state.awaiting === 'clarify_option'
      ? fillOptions(ctx, turn)
      : ctx.state.awaiting === 'clarify_product'
        ? clarify(ctx, turn)
        : ctx.state.awaiting === 'clarify_qty'
          ? fillQty(ctx, turn)
          : modify(ctx, turn),
  ),

  confirm: forDealer(async (ctx, turn) => {
    const dealer = ctx.identity;
    const cancelNo = cancelAsked(ctx);
    if (cancelNo) {
      // Cancelling a placed order takes a clear yes; an emoji or a lone "ok" hears the question again.
      if (turn.slots.confirm !== 'explicit') return askCancel(ctx, cancelNo);
      return cancelPlaced(ctx, cancelNo);
    }
    const draftId = ctx.state.draftId;
    if (!draftId || ctx.state.awaiting !== 'order_confirm') return reply(R.noDraft);
    // Only a clear yes places the order; a weak one (👍, ok, 好) re-asks once with the total. A yes no rule read
    // (a model's or the LLM's guess, without `confirm`) never places: it hears the question again.
    const yes = turn.slots.confirm;
    if (yes !== 'explicit' && !(yes === 'weak' && ctx.state.asked?.kind === 'confirm')) {
      const current = await ctx.services.orders.showDraft(dealer.dealerCode, draftId, ctx.now);
      if (current.kind !== 'draft') return draftReply(current, ctx, draftId);
      return {
        ...reply(R.confirmAgain(current.view)),
        state: { awaiting: 'order_confirm', draftId, asked: { kind: 'confirm', intent: 'confirm' } },
      };
    }
    // The confirmation evaluates the draft under the dealer's lock; its view says what is short (no read before it).
    const out = await ctx.services.orders.confirmDraft(dealer.dealerCode, draftId, ctx.now);
    switch (out.kind) {
      case 'placed': {
        // The lines short at HQ (as placed): the confirmation repeats their arrival date.
        const short = out.view.lines.filter((l) => l.shortfall > 0 && l.expectedDate);
        // On the mini-program the order page follows as a card.
        const card = {
          title: R.orderCardTitle(out.order.orderNo),
          page: 'order' as const,
          query: { no: out.order.orderNo },
        };
        return { replies: [{ body: R.placed(out.order, short), card }], state: { lastDraftId: draftId } };
      }
      case 'already':
        return { ...reply(R.already(out.orderNo)), state: { lastDraftId: draftId } };
      case 'expired':
        return { ...reply(R.expired), state: { lastDraftId: draftId } };
      case 'closed':
        return { ...reply(R.closed), state: {} };
      case 'not_found':
        return { ...reply(R.noDraft), state: {} };
      case 'blocked':
        return reply(R.blocked(out.view));
    }
  }),

  deny: forDealer(async (ctx) => {
    const dealer = ctx.identity;
    const cancelNo = cancelAsked(ctx);
    // "确认取消" answers "确认取消订单…吗？" with a yes (to a draft it is a no: the rules read it as one).
    if (cancelNo && CANCEL_AFFIRMED.test(normalize(ctx.text).replace(/\s+/g, ''))) return cancelPlaced(ctx, cancelNo);
    if (cancelNo) return { ...reply(R.cancelKept(cancelNo)), state: draftState(ctx) };
    if (ctx.state.awaiting?.startsWith('clarify_') && !ctx.state.draftId)
      return { ...reply(R.draftCancelled), state: {} };
    if (!ctx.state.draftId) return reply(R.noDraft);
    const done = await ctx.services.orders.cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
    return { ...reply(done ? R.draftCancelled : R.noDraft), state: {} };
  }),

  'order.status': forDealer(async (ctx, turn) => {
    const dealer = ctx.identity;
    const svc = ctx.services.orders;
    const no = turn.slots.order_no;
    if (!no) {
      const recent = await svc.recentOrders(dealer.dealerCode);
      // "刚才那单啥时候到": the order meant is the latest one, not a list to pick from.
      if (ctx.state.awaiting !== 'clarify_order' && turn.slots.ref?.kind === 'last_order' && recent[0]) {
        return reply(R.status(recent[0]));
      }
      if (ctx.state.awaiting !== 'clarify_order') return reply(R.recent(recent));
      // The answer to "哪一单？": the order the reference picks, for what was asked about it.
      const asked = ctx.state.asked;
      const picked = pickOrder(recent, turn, (asked?.pending as PendingOrderRef | undefined)?.orderNos);
      if (!picked) return { ...reply(R.recent(recent)), state: draftState(ctx) };
      if (asked?.intent === 'order.cancel') return askCancel(ctx, picked.orderNo);
      return { ...reply(R.status(picked)), state: draftState(ctx) };
    }
    const order = await svc.order(dealer.dealerCode, no);
    return reply(order ? R.status(order) : R.notFound(no));
  }),

  'order.cancel': forDealer(async (ctx, turn) => {
    const no = turn.slots.order_no;
    if (no) return askCancel(ctx, no);
    const recent = await ctx.services.orders.recentOrders(ctx.identity.dealerCode);
    // "取消最近那单", "把刚才的单子取消掉": the newest order, asked to confirm as any cancel (one already shipped says so).
    if (turn.slots.ref?.kind === 'last_order' && recent[0]) return askCancel(ctx, recent[0].orderNo);
    const cancellable = recent.filter((o) => o.status === 'placed');
    if (cancellable.length === 0) return reply(R.askCancelNo(cancellable));
    const pending: PendingOrderRef = { orderNos: cancellable.map((o) => o.orderNo) };
    return {
      ...reply(R.askWhichOrder(cancellable)),
      state: {
        ...draftState(ctx),
        awaiting: 'clarify_order',
        asked: { kind: 'order', intent: 'order.cancel', pending },
      },
    };
  }),

  'order.reorder': forDealer(async (ctx) =>
    guarded(async () => {
      const dealer = ctx.identity;
      const svc = ctx.services.orders;
      const out = await svc.reorder(dealer.dealerCode, ctx.now);
      if (!out) return reply(R.noLastOrder);
      if (ctx.state.draftId && ctx.state.draftId !== out.view.id)
        await svc.cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
      return {
        ...reply(R.draft(out.view, { title: R.reorderTitle(out.last) })),
        state: { awaiting: 'order_confirm', draftId: out.view.id },
      };
    }, ctx),
  ),
};
