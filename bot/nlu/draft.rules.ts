import { MIN_SIZE_MM } from '../../core/common/slots.js';
import type { ProductMention } from './catalog.matcher.js';
import { extractFacts, type Facts, HIGH, LOW, MID, orderResult, parsed, type Qty } from './facts.js';
import type { DraftChange, DraftQuestion, ItemSlot, ParseResult, Slots } from './nlu.types.js';
import { NUMBER_SRC, parseNumber } from './numbers.js';
import { extractRef, resolveRef } from './slots.extract.js';

/**
 * Messages while the bot waits on something: a draft to confirm (changes, questions, yes/no) and answers to its own
 * questions (which product, how many, which order). A draft changes only on an explicit change: the result then
 * carries `change`; a question carries `question` and never a change.
 */

export const CONFIRM_DENY_STRONG =
  /取消|算了|不确认|别提交|不提交|^否$|拉倒|^停|算咗|唔要|不要了|先不|别下|别订|不下了|不订了|作废|放弃|不买了|不需要了|撤销|暂时不|暂不/;
export const CONFIRM =
  /^下$|帮我下了?吧?$|^下了吧|下单吧|提交吧|^中$|就这么着|没毛病|冇问题|就这些|可以的|妥了|确认|确定|没问题|可以|好的|^好|^行|^ok|okay|就这样|就按|按这个|下单|下吧|提交|同意|没错|对的|^对|是的|^是$|要得|^妥|好滴|好嘞|^嗯|^yes|^y$|👌|👍|订吧|发吧|不用改|不改了|照这个/;
/**
 * "确认取消", "对 取消", "是的取消吧" (compact): a yes to "确认取消订单…吗？" — the rules read it as a no to a draft, so
 * the dialog tells the two apart by what was asked. Any negation ("不取消了", "先别取消") is no match.
 */
export const CANCEL_AFFIRMED =
  /^(?:确认|确定|对|对的|是|是的|好|好的|嗯|行|没错|可以)[,.!~]*(?:要|就|帮我|给我)?取消(?:掉|了|吧|啊|呀|哈|它|这单|订单)*[.!~]*$/;
export const DENY_WEAK = /不用|不要|不行|不对|^no$|^n$|再说|等等|等一下|不了|再想想|考虑一下/;
// A lone emoji, ok or 好: read as yes, but the dialog re-asks once with the total.
const WEAK_CONFIRM = /^(ok|okay|好|嗯+|行|y|(?:\p{Extended_Pictographic}|\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])+)[.!~]*$/u;
const MODIFY =
  /改|换|加|减|少|多|添|增|删|去掉|去除|拿掉|不要|调整|变成|变为|再来|再要|另外|还要|补|追加|提前|推迟|延后|延期|日期|时间|数量/;
const REMOVE_ITEM = /不要|去掉|删掉|删除|拿掉|去除|取消|不用|别要/;

const MULTIPLY: Array<[RegExp, number]> = [
  [/翻倍|翻一番|加倍|双倍|乘以?[2二两]|[x×*]2(?!\d)/, 2],
  [/翻两番|[x×*]4(?!\d)/, 4],
  [/减半|砍半|少一半|砍一半|减一半|一半就行|要一半/, 0.5],
];
// "减到150套", "加到50套": a quantity reached is a new quantity, never one taken off or added.
const SET_VERB =
  /改成|改为|改到|改回|换成|换为|变成|变为|调成|调到|调整为|调整到|[减降砍]到|[减降]为|[减降]成|少到|加到|加为|增加?到|增加为|提到|提高到|涨到|凑到|就要|只要|改/g;
const SUBTRACT_VERB = /少要|少来|少订|少拿|少发|少|减少|减掉|减去|减|扣掉|去掉|砍掉|退掉/;
const ADD_VERB = /多要|多来|多订|多拿|多发|多加|再加|加上|加|追加|添|增加|也来|也要|再来|再要|还要|外加|另外|补/;
// Words of a change: a question that contains one ("能改到后天吗") is a polite change request.
// (加急 is urgency, not an added line: "加急 明天能送吗" is a question.)
// (满减 and 参加 are no quantity changes: "满减怎么参加" is a question.)
const CHANGE_WORDS =
  /改|换|(?<!参)加(?!急)|(?<!满)减|少要|多要|少来|多来|不要|去掉|删|拿掉|也来|再来|追加|提前|推迟|延后|延期|翻倍|减半/;
const DRAFT_QUESTION =
  /吗|\?|呢$|么$|能不能|可不可以|能否|是不是|多少钱|几天|什么时候|啥时候|多久|有没有|够不够|总共|一共|合计|总价|总额|多少|还有几|库存/;
// A question about promotions or policies is no question about the draft: the general reading answers it.
const Q_POLICY = /活动|满减|促销|政策|怎么参加/;
const Q_DELIVERY = /送|到货|发货|发出|几天|多久|什么时候|啥时候|交期|货期|到得了|来得及/;
const Q_TOTAL = /总共|一共|合计|总价|总额|总金额|多少钱一共/;
const Q_PRICE = /多少钱|价格|价钱|单价|什么价|啥价|贵不贵|优惠/;
// "这单下了以后还差多少到3个点", "能到下一档吗": the draft counted into the rebate ladder.
const Q_REBATE = /下一档|哪一?档|档位|返利|返点|[0-9一二两三四五]个点/;
const Q_STOCK = /有货|现货|库存|还有|够不够|缺货|断货/;

const BARE_NUMBER_RE = new RegExp(`^\\s*(?:成|为|到|来|要)?\\s*(${NUMBER_SRC})(?![0-9]|\\s*[号日月天点年周%])`);

/**
 * The first quantity said after `pos` (the one after 改成 wins over the old one: "不要八米了 改六米"); a bare number
 * right after the verb ("从30改成25", "多来俩") takes the unit of the product it is about.
 */
function qtyAfter(f: Facts, pos: number, verbEnd: number): Qty | undefined {
  const withUnit = f.qtys.find((q) => q.start >= pos);
  if (withUnit) return withUnit;
  const m = BARE_NUMBER_RE.exec(f.t.slice(verbEnd));
  const qty = m ? parseNumber(m[1]!) : null;
  if (m === null || qty === null || qty <= 0) return undefined;
  // "宽改成1200", "尺寸改为1500*1500": a size, not a quantity.
  const at = verbEnd + m.index + m[0].length - 1;
  if (f.sizeSpans.some((s) => s.start <= at && at < s.end)) return undefined;
  const skus = f.mentions.map(specificSku).filter((s) => s !== undefined);
  const unit = (skus.length === 1 && f.matcher.product(skus[0]!)?.unit) || '套';
  return { start: verbEnd + m.index, end: verbEnd + m[0].length, qty, unit, each: false };
}

const CONFIG_WORDS = /颜色|颜|玻璃|开启|开向|要|用|做/;
const SIZE_WORDS = /尺寸|尺码|规格|大小|宽|高/;
// "1200*1500那个", "1500*1800的": a size followed by these names a line of the draft rather than a new size.
const PICK_AFTER = /^\s*(?:的|那个|那行|那一行|那樘|那批|这个|这行)/;
// "宽改成-1200", "尺寸改成-1500*1800", "1500*负1800": a size below zero (no size pattern reads it).
const NEGATIVE_SIZE =
  /(?:尺寸|宽|高)度?\D{0,4}?[-负]\s*\d|[-负]\s*\d+(?:\.\d+)?\s*(?:mm|毫米|cm|厘米|公分|m|米)?\s*[*x×乘]\s*\d|\d\s*[*x×乘]\s*[-负]\s*\d/;

interface SizeWords {
  /** The line meant by its size ("1200*1500那个"). */
  pick?: { width_mm: number; height_mm: number };
  /** The new size (either side or both). */
  size: { width_mm?: number; height_mm?: number };
}

/**
 * The sizes a message says while a draft waits: a whole size before 那个/的 and before any change verb names a line
 * ("1200*1500那个改成8樘"); the others are the new size ("尺寸改成1500*1500", "T80改成1200*1800的").
 */
function sizeWords(f: Facts): SizeWords {
  const verb = lastMatch(SET_VERB, f.t)?.index ?? f.t.length;
  const pickHit = f.sizes.find(
    (s) =>
      s.fields.width_mm !== undefined &&
      s.fields.height_mm !== undefined &&
      s.end <= verb &&
      PICK_AFTER.test(f.t.slice(s.end)),
  );
  const size: SizeWords['size'] = {};
  for (const s of f.sizes) {
    if (s === pickHit) continue;
    if (size.width_mm === undefined && s.fields.width_mm !== undefined) size.width_mm = s.fields.width_mm;
    if (size.height_mm === undefined && s.fields.height_mm !== undefined) size.height_mm = s.fields.height_mm;
  }
  const pick = pickHit ? { width_mm: pickHit.fields.width_mm!, height_mm: pickHit.fields.height_mm! } : undefined;
  return { ...(pick ? { pick } : {}), size };
}

/**
 * A change of size, glass, opening or colour without a quantity; null when the message says none of them. A new
 * size counts only when said as a change ("尺寸改成…", "宽改成1.3米"): "N60 1500*1800" alone is a line of its own.
 */
function configChange(f: Facts, changeWords: boolean, sizes: SizeWords): DraftChange | null {
  const { glass, opening, color } = f.said;
  const negative = NEGATIVE_SIZE.test(f.k);
  const sized = negative || sizes.size.width_mm !== undefined || sizes.size.height_mm !== undefined;
  if (glass === undefined && opening === undefined && color === undefined && !sized) return null;
  // ("宽改成-1.2米": the metres of a negative size are no quantity.)
  if (f.qtys.length > 0 && !negative) return null;
  if (sized && !changeWords && !SIZE_WORDS.test(f.k)) return null;
  // "我不要推拉的": a line dropped by a word of its kind, not a new opening.
  if (REMOVE_ITEM.test(f.k) || (!changeWords && !sized && !CONFIG_WORDS.test(f.k))) return null;
  // A size below zero is kept as 0 (no such size exists): the dialog answers it and changes nothing.
  const size = negative ? { width_mm: 0 } : sizes.size;
  const config = {
    ...size,
    ...(glass ? { glass } : {}),
    ...(opening ? { opening } : {}),
    ...(color ? { color } : {}),
  };
  const valid = Object.values(size).every((v) => v >= MIN_SIZE_MM);
  const itemConfig = valid
    ? config
    : { ...(glass ? { glass } : {}), ...(opening ? { opening } : {}), ...(color ? { color } : {}) };
  const skus = [...new Set(f.mentions.map(specificSku).filter((s) => s !== undefined))];
  return {
    kind: 'configure',
    config,
    ...(skus.length ? { items: skus.map((sku) => ({ sku, ...itemConfig })) } : {}),
  };
}

function specificSku(m: ProductMention): string | undefined {
  return m.skus.length === 1 ? m.skus[0] : undefined;
}

function modify(f: Facts, change: DraftChange, items: ItemSlot[] | undefined, confidence: number): ParseResult {
  // "1200*1500那个改成8樘": the change is that line's.
  const pick = sizeWords(f).pick;
  if (pick && change.kind !== 'date' && !change.line_size) change.line_size = pick;
  const slots: Slots = { change };
  if (items && items.length > 0) slots.items = items;
  // A date said with another change ("折叠门加一套 改后天送") changes the date too.
  const date = change.date ?? f.date?.date;
  if (date) {
    if (change.kind !== 'date') Object.assign(change, { date, date_kind: f.date?.kind ?? 'on' });
    slots.date = date;
    slots.date_kind = change.date_kind ?? f.date?.kind ?? 'on';
    if (f.date?.rolledForward) slots.date_rolled_forward = true;
  }
  return parsed('order.modify', slots, confidence);
}

/** A change or question about the draft awaiting confirmation, or a yes/no. Null: not about the draft. */
export function parseDraftMessage(f: Facts): ParseResult | null {
  const { k } = f;
  if (f.orderNo) return null;
  const hasItems = f.mentions.length > 0;
  const changeWords = CHANGE_WORDS.test(k);

  // 0. "取消吧 我先看看库存": a no first, whatever follows.
  if (/^(取消|算了|不要了|先不要|不下了|不订了|作废)(吧|了)?[\s,.!]/.test(f.t.trim())) return parsed('deny', {}, HIGH);

  // 1. A question is answered and the draft stays ("明天能送到吗", "那个T80呢", "一共多少钱"); one about a promotion
  // ("N60现在有活动吗，满减怎么参加") is answered as it would be without a draft.
  if (Q_POLICY.test(k) && (f.asks || DRAFT_QUESTION.test(k)) && !changeWords && f.qtys.length === 0) return null;
  if ((f.asks || DRAFT_QUESTION.test(k)) && !changeWords) {
    const q = draftQuestion(f);
    if (q) {
      const slots: Slots = { question: q };
      // A rebate what-if keeps its quantities ("再订二十套N60能到下一档吗"): the lines counted in, never added.
      if (q.items) slots.items = q.about === 'rebate' ? f.items.items.map((i) => ({ ...i })) : q.items;
      const ref = extractRef(f);
      if (ref) slots.ref = ref;
      return parsed('stock.query', slots, MID);
    }
  }

  // 1b. "颜色要深灰", "T80颜色换成白的", "改成外开", "尺寸改成1500*1500": a made-to-size line's options or size, no
  // quantity; "1500*1800的颜色换深灰" names the line by its size.
  const sizes = sizeWords(f);
  const configure = configChange(f, changeWords, sizes);
  if (configure) return modify(f, configure, configure.items, HIGH);
  // "把1200*1500那个删了": the line of that size goes.
  if (sizes.pick && /删|不要|去掉|拿掉|去除|取消|别要/.test(k) && f.qtys.length === 0)
    return modify(f, { kind: 'remove' }, undefined, HIGH);

  // 1c. A correction: "不对，是40套", "不对，是T80", "不是N60，是N75".
  const correction = correctionChange(f);
  if (correction) return modify(f, correction, correction.items, HIGH);

  // 1d. Several changes of different kinds, one clause per line ("B45改成两百套，N60不要了", "A70删掉 N60改成50套").
  const compound = compoundChange(f);
  if (compound) {
    // A line dropped is a quantity of 0 in the items, as when it is dropped alone.
    const items = [compound, ...(compound.more ?? [])].flatMap((c) =>
      (c.items ?? []).map((i) => (c.kind === 'remove' ? { sku: i.sku, qty: 0 } : i)),
    );
    return modify(f, compound, items, HIGH);
  }

  // 2. "数量翻倍", "N60 减半".
  for (const [re, factor] of MULTIPLY) {
    if (re.test(k)) {
      const items = f.items.items.map((i) => ({ sku: i.sku }));
      return modify(f, { kind: 'multiply', factor, ...(items.length ? { items } : {}) }, undefined, HIGH);
    }
  }

  // 2b. Several lines set at once ("n60改20 n75改10", "A70改成六十 A50不变") and corrected numbers ("T95不要五套了
  // 三套就行", "A50是四十不是十四").
  const perLine = setPerLine(f);
  if (perLine) return modify(f, { kind: 'set', items: perLine }, perLine, HIGH);
  const corrected = correctedQty(f);
  if (corrected) return modify(f, { kind: 'set', items: [corrected] }, [corrected], HIGH);

  // 3. Deltas: "T80 少要三套", "N60 多要五套", "N60 也来20".
  let qtyItems = f.items.items.filter((i) => i.qty !== undefined);
  const loose = qtyItems.length === 0 ? f.qtys[0] : undefined;
  // 改 about the date ("改后天送") is not a new quantity: a set verb counts when a number or product follows it.
  let setVerb = lastMatch(SET_VERB, f.t);
  const setEnd = setVerb ? setVerb.index + setVerb[0].length : 0;
  const setQty = setVerb ? qtyAfter(f, setVerb.index, setEnd) : undefined;
  const productAfterSet = setVerb ? f.mentions.filter((m) => m.start >= setEnd) : [];
  if (setVerb && !setQty && productAfterSet.length === 0) setVerb = undefined;
  const deltaVerb = setVerb ? null : (SUBTRACT_VERB.exec(f.t) ?? ADD_VERB.exec(f.t));
  const delta = deltaVerb ? (SUBTRACT_VERB.test(deltaVerb[0]) ? 'subtract' : 'add') : null;
  const deltaQty =
    deltaVerb && qtyItems.length === 0
      ? qtyAfter(f, deltaVerb.index, deltaVerb.index + deltaVerb[0].length)
      : undefined;
  if (delta && deltaQty && f.mentions.length === 1 && specificSku(f.mentions[0]!)) {
    qtyItems = [{ sku: specificSku(f.mentions[0]!)!, qty: deltaQty.qty, unit: deltaQty.unit }];
  }
  if (delta && (qtyItems.length > 0 || loose || deltaQty)) {
    const change: DraftChange = { kind: delta };
    const amount = loose ?? deltaQty;
    if (qtyItems.length > 0) change.items = qtyItems;
    else if (amount) Object.assign(change, { qty: amount.qty, unit: amount.unit });
    return modify(f, change, qtyItems, hasItems ? HIGH : MID);
  }

  // 4. A new quantity or product: "台面不要八米了 改六米", "N60改成40套", "N60 40套", "改成20", "把N60换成N75".
  const sameClause = productAfterSet.length > 0 && !/[,;.!?]/.test(f.t.slice(setEnd, productAfterSet[0]!.start));
  if (setVerb && sameClause) {
    // What follows the verb is the new line; what came before it is the line it replaces.
    const after = f.items.items.filter((i) => productAfterSet.some((m) => m.skus.length === 1 && m.skus[0] === i.sku));
    const replaced = f.mentions.filter((m) => m.end <= setVerb!.index).map(specificSku);
    const change: DraftChange = { kind: 'set', items: after };
    // "N75换成T80": one product for another, the new one without a quantity of its own.
    if (after.length === 1 && after[0]!.qty === undefined && replaced.length === 1 && replaced[0] !== after[0]!.sku) {
      if (replaced[0]) change.replaces = replaced[0];
    }
    if (after.length > 0) return modify(f, change, after, MID);
  }
  if (setQty || qtyItems.length > 0) {
    const targets = f.mentions.map(specificSku).filter((s): s is string => s !== undefined);
    let items = qtyItems;
    if (setQty && targets.length <= 1) {
      items =
        targets.length === 1 ? [{ ...(qtyItems[0] ?? {}), sku: targets[0]!, qty: setQty.qty, unit: setQty.unit }] : [];
    }
    const change: DraftChange = { kind: 'set' };
    if (items.length > 0) change.items = items;
    else if (setQty) Object.assign(change, { qty: setQty.qty, unit: setQty.unit });
    if (f.items.ambiguities.length > 0) return ambiguousChange(f, change);
    return modify(f, change, items, hasItems ? HIGH : MID);
  }

  // 5. A line dropped: "N75不要了", "我不要推拉的" ("执手不要了 合页留着" keeps 合页).
  if (REMOVE_ITEM.test(k)) {
    const kept = new Set(
      f.mentions
        .filter((m) => KEEP_LINE.test(clauseAfter(f, m)) && !REMOVE_ITEM.test(clauseAfter(f, m)))
        .flatMap((m) => m.skus),
    );
    const items = f.items.items.filter((i) => !kept.has(i.sku)).map((i) => ({ sku: i.sku, qty: 0 }));
    if (items.length > 0) return modify(f, { kind: 'remove', items: items.map((i) => ({ sku: i.sku })) }, items, HIGH);
    const vague = f.items.ambiguities[0] ?? vagueMention(f);
    if (vague) {
      return modify(f, { kind: 'remove', mention: vague.mention, candidates: [...vague.candidates] }, undefined, MID);
    }
  }

  // 6. A product without quantity replaces the draft's ("不对，是N75").
  if (hasItems && !CONFIRM_DENY_STRONG.test(k)) {
    const items = f.items.items.map((i) => ({ ...i }));
    const change: DraftChange = { kind: 'set', ...(items.length ? { items } : {}) };
    if (f.items.ambiguities.length > 0) return ambiguousChange(f, change);
    if (f.date) return modify(f, { ...change }, items, MID);
    return modify(f, change, items, MID);
  }

  // 7. A new date: "改到后天", "月底前送到就行".
  if (f.date && !CONFIRM_DENY_STRONG.test(k)) {
    return modify(f, { kind: 'date', date: f.date.date, date_kind: f.date.kind }, undefined, HIGH);
  }
  if (f.items.looseQty > 0 && MODIFY.test(k)) return orderResult('order.modify', f, LOW);

  // 8. Yes or no.
  if (CONFIRM_DENY_STRONG.test(k)) return parsed('deny', {}, HIGH);
  if (CONFIRM.test(k) || WEAK_CONFIRM.test(k)) {
    return parsed('confirm', { confirm: WEAK_CONFIRM.test(k) ? 'weak' : 'explicit' }, k.length <= 12 ? HIGH : MID);
  }
  if (DENY_WEAK.test(k)) return parsed('deny', {}, MID);
  return null;
}

const CORRECTION_RE = /^(?:不对|不是|错了|说错了|搞错了|写错了|弄错了|打错了)/;

/**
 * "不对，是40套" (the quantity of the only line), "不对，是T80" (T80 takes the only line's place, its quantity kept),
 * "不是N60，是N75" (the line named after 不是 is replaced). Which line is meant, when the words do not say, is the
 * dialog's to ask: it knows the draft.
 */
function correctionChange(f: Facts): DraftChange | undefined {
  if (!CORRECTION_RE.test(f.k) || f.items.ambiguities.length > 0) return undefined;
  const named = f.mentions.filter((m) => specificSku(m) !== undefined);
  if (named.length !== f.mentions.length || named.length > 2 || f.qtys.length > 1) return undefined;
  const qty = f.qtys[0];
  const amount = qty ? { qty: qty.qty, unit: qty.unit } : {};
  if (named.length === 0) return qty ? { kind: 'set', ...amount } : undefined;
  const negated = (m: ProductMention) => /不是\s*$/.test(f.t.slice(Math.max(0, m.start - 4), m.start));
  const old = named.filter(negated);
  const said = named.filter((m) => !negated(m));
  if (said.length !== 1 || old.length !== named.length - 1) return undefined;
  const sku = specificSku(said[0]!)!;
  const replaces = old[0] ? specificSku(old[0]) : undefined;
  if (replaces === sku) return undefined;
  return { kind: 'set', items: [{ sku, ...amount }], ...(replaces ? { replaces } : { corrects: true }) };
}

/**
 * Each clause that starts with a product read alone, when they make changes of different kinds; null when any
 * clause is no change (the message is read as a whole, as before).
 */
function compoundChange(f: Facts): DraftChange | undefined {
  const named = f.mentions.filter((m) => specificSku(m) !== undefined);
  if (named.length === 0 || named.length !== f.mentions.length) return undefined;
  if (new Set(named.map(specificSku)).size !== named.length) return undefined;
  // "数量改成二十五套吧 再加十个A70": a first clause naming no product changes the quantity of the line meant.
  const lead = leadQtyChange(f, f.t.slice(0, named[0]!.start));
  if (lead === null || (!lead && named.length < 2)) return undefined;
  const changes: DraftChange[] = lead ? [lead] : [];
  for (const [i, m] of named.entries()) {
    const clause = f.t.slice(m.start, named[i + 1]?.start ?? f.t.length);
    // "N60换成N75": one clause, not two.
    if (i < named.length - 1 && !/[\s,;.!、]$/.test(clause)) return undefined;
    const r = parseDraftMessage(extractFacts(clause, f.ctx, f.matcher));
    const change = r?.kind === 'parsed' && r.intent === 'order.modify' ? r.slots.change : undefined;
    if (!change?.items?.length || change.items.some((it) => it.sku !== specificSku(m))) return undefined;
    changes.push(change);
  }
  if (new Set(changes.map((c) => c.kind)).size < 2) return undefined;
  const [first, ...more] = changes;
  return { ...first!, more };
}

/**
 * The clause before the first product: undefined when there is none, its change when it is a whole clause that sets
 * or shifts a quantity alone ("数量改成二十五套吧，"), null otherwise (the message is read as a whole).
 */
function leadQtyChange(f: Facts, lead: string): DraftChange | null | undefined {
  if (lead.trim() === '') return undefined;
  if (!/[\s,;.!、]$/.test(lead)) return null;
  const r = parseDraftMessage(extractFacts(lead, f.ctx, f.matcher));
  const change = r?.kind === 'parsed' && r.intent === 'order.modify' ? r.slots.change : undefined;
  return change && !change.items?.length && change.qty !== undefined ? change : null;
}

const KEEP_LINE = /^\s*(留着|不变|保留|照旧|照常|还要|要留|别动|不动)/;

/** The words after a product mention up to the next mention or clause break. */
function clauseAfter(f: Facts, m: ProductMention): string {
  const next = f.mentions.find((o) => o.start >= m.end)?.start ?? f.t.length;
  return f.t.slice(m.end, next).split(/[,;.!?]/)[0]!;
}

/** Each set verb with its product just before it and its number just after ("合页改300 执手改100"). */
function setPerLine(f: Facts): ItemSlot[] | undefined {
  // Sets mixed with deltas ("N60改成40套，N75加10套") are read below, line by line.
  if (f.mentions.length < 2 || ADD_VERB.test(f.k) || SUBTRACT_VERB.test(f.k)) return undefined;
  const out: ItemSlot[] = [];
  SET_VERB.lastIndex = 0;
  let from = 0;
  for (let v = SET_VERB.exec(f.t); v !== null; v = SET_VERB.exec(f.t)) {
    const end = v.index + v[0].length;
    const product = f.mentions.filter((m) => m.end <= v!.index && m.start >= from).at(-1);
    const sku = product && specificSku(product);
    const nextMention = f.mentions.find((m) => m.start >= end)?.start ?? f.t.length;
    const q = qtyAfter(f, end, end);
    from = end;
    if (!sku || !q || q.start >= nextMention) continue;
    // A bare number takes its own product's unit (合页 个).
    out.push({ sku, qty: q.qty, unit: f.qtys.includes(q) ? q.unit : f.matcher.product(sku)?.unit || '套' });
  }
  return out.length >= 1 ? out : undefined;
}

// "是四十不是十四" / "不是十四是四十" / "不要五套了 三套就行": the number that is not negated.
const IS_NOT_RE = new RegExp(
  `(?<!不)是\\s*(${NUMBER_SRC})[套樘个米卷件只扇]?\\s*[,]?\\s*不是|不是\\s*${NUMBER_SRC}[套樘个米卷件只扇]?\\s*[,]?\\s*(?:是|而是|要)\\s*(${NUMBER_SRC})`,
);

function correctedQty(f: Facts): ItemSlot | undefined {
  const skus = f.mentions.map(specificSku).filter((s) => s !== undefined);
  if (skus.length !== 1) return undefined;
  const sku = skus[0]!;
  const unit = f.matcher.product(sku)?.unit || '套';
  const said = IS_NOT_RE.exec(f.t);
  if (said) {
    const qty = parseNumber((said[1] ?? said[2])!);
    return qty === null || qty <= 0 ? undefined : { sku, qty, unit };
  }
  if (f.qtys.length !== 2) return undefined;
  const negated = f.qtys.filter((q) => /(不要|不是|不用)\s*$/.test(f.t.slice(Math.max(0, q.start - 3), q.start)));
  if (negated.length !== 1) return undefined;
  const q = f.qtys.find((x) => x !== negated[0])!;
  return { sku, qty: q.qty, unit: q.unit };
}

function lastMatch(re: RegExp, s: string): RegExpExecArray | undefined {
  re.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) last = m;
  return last;
}

function ambiguousChange(f: Facts, change: DraftChange): ParseResult {
  const slots: Slots = { change };
  if (change.items) slots.items = change.items;
  return { kind: 'ambiguous', intent: 'order.modify', slots, confidence: 0.8, ambiguities: f.items.ambiguities };
}

/** "不要推拉的": the words after the remove verb, and the products whose name has them. */
function vagueMention(f: Facts): { mention: string; candidates: string[] } | undefined {
  const m = /(?:不要|去掉|删掉|删除|拿掉|去除|取消|别要)(?:那个|这个|那些|这些)?([\u4e00-\u9fff]{1,6}?)的/.exec(f.k);
  if (!m) return undefined;
  const words = m[1]!;
  const candidates = f.matcher.products
    .filter((p) => [p.name, p.series, ...p.aliases].some((s) => s.includes(words)))
    .map((p) => p.sku);
  return { mention: words, candidates };
}

function draftQuestion(f: Facts): DraftQuestion | null {
  const { k } = f;
  const items = f.items.items.map((i) => ({ sku: i.sku }));
  const withItems = (q: DraftQuestion): DraftQuestion => (items.length ? { ...q, items } : q);
  if (Q_REBATE.test(k)) return withItems({ about: 'rebate' });
  if (Q_TOTAL.test(k)) return withItems({ about: 'total' });
  if (f.date || Q_DELIVERY.test(k)) return withItems({ about: 'delivery', ...(f.date ? { date: f.date.date } : {}) });
  if (Q_PRICE.test(k)) return withItems({ about: 'price' });
  if (Q_STOCK.test(k)) return withItems({ about: 'stock' });
  if (f.mentions.length > 0) return withItems({ about: 'product' });
  return null;
}

// ---------------------------------------------------------------- answers to the bot's own questions

// "30", "各30套", "改成三十", "都要二十套", "那就十套吧".
const EACH_QTY_RE = new RegExp(
  `^(?:那就|就|还是|改成|改为|换成|改|要|都要|各要|各来|都来|来|各|都|每样|每种|每个)*\\s*(${NUMBER_SRC})\\s*([套樘个米卷件只扇把条副组箱根片块张台])?\\s*(?:各|每样|吧|就行|就好|好了|吧)*$`,
);

/** What is said besides the delivery date ("20套 后天送" → "20套"), compact, for the bare-quantity answer. */
function withoutDate(f: Facts): string {
  if (!f.date) return f.k;
  const rest = `${f.t.slice(0, f.date.start)} ${f.t.slice(f.date.end)}`.replace(/\s+/g, '');
  return rest.replace(/(之?前)?(送货|送到|送过来|送来|送|到货|发货|发|到)(吧|哈|啊|就行|就好)?$/, '');
}

/**
 * An answer to the bot's question keeps the delivery date it says ("N60来20套 后天送" after "T80 各要多少"): it is
 * the date of the order the answer completes or starts, never dropped on the way.
 */
function withAnswerDate(f: Facts, slots: Slots): Slots {
  if (!f.date) return slots;
  const { date, kind, rolledForward } = f.date;
  return { ...slots, date, date_kind: kind, ...(rolledForward ? { date_rolled_forward: true } : {}) };
}

/**
 * After "N60 还是 N75？" (clarify_product), "各要多少？" (clarify_qty) or "哪一单？" (clarify_order). Null: the
 * message is something else (a new request).
 */
export function parseClarification(f: Facts): ParseResult | null {
  const { k, ctx } = f;
  const candidates = ctx.candidates ?? [];
  if (ctx.awaiting === 'clarify_product') {
    if (f.mentions.length > 0) {
      // A named product among the offered ones settles it; else the answer refines the pending items.
      const skus = new Set(f.mentions.flatMap((m) => m.skus).filter((s) => candidates.includes(s)));
      if (skus.size === 1) return parsed('order.modify', withAnswerDate(f, { items: [{ sku: [...skus][0]! }] }), HIGH);
      return orderResult('order.modify', f, MID);
    }
    const ref = extractRef(f);
    if (ref) {
      const sku = resolveRef(ref, f, candidates);
      if (sku) return parsed('order.modify', { items: [{ sku }], ref }, HIGH);
      return {
        kind: 'ambiguous',
        intent: 'order.modify',
        slots: { ref },
        confidence: LOW,
        ambiguities: [{ mention: k, candidates: [...candidates] }],
      };
    }
  }
  if (ctx.awaiting === 'clarify_qty') {
    const qtyItems = f.items.items.filter((i) => i.qty !== undefined);
    if (qtyItems.length > 0)
      return parsed(
        'order.modify',
        withAnswerDate(f, { items: qtyItems, change: { kind: 'set', items: qtyItems } }),
        HIGH,
      );
    const m = EACH_QTY_RE.exec(withoutDate(f));
    const qty = m ? parseNumber(m[1]!) : null;
    if (qty !== null && qty > 0) {
      const change: Slots['change'] = { kind: 'set', qty, ...(m?.[2] ? { unit: m[2] } : {}) };
      return parsed('order.modify', withAnswerDate(f, { change }), HIGH);
    }
  }
  if (ctx.awaiting === 'clarify_option' && Object.keys(f.said).length > 0 && candidates[0]) {
    // "双玻 内开", "1500*1800 外开": the options of the line asked about (a product named means a new request).
    const named = f.mentions.flatMap((m) => m.skus);
    if (named.length === 0 || named.every((s) => candidates.includes(s)))
      return parsed('order.modify', { items: [{ sku: candidates[0], ...f.said }] }, HIGH);
  }
  if (ctx.awaiting === 'clarify_order' && !f.orderNo) {
    const ref = extractRef(f);
    if (ref && (ref.kind === 'last_order' || ref.kind === 'ordinal' || /最近|最新|刚才|上一|那单/.test(k))) {
      return parsed('order.status', { ref: ref.kind === 'ordinal' ? ref : { kind: 'last_order' } }, HIGH);
    }
  }
  if (ctx.awaiting?.startsWith('clarify_') && (CONFIRM_DENY_STRONG.test(k) || DENY_WEAK.test(k))) {
    return parsed('deny', {}, MID);
  }
  return null;
}
