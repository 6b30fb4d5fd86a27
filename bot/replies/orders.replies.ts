import type { CreditCheck } from '../../core/orders/credit.rules.js';
import type { DraftDiff } from '../../core/orders/draft.diff.js';
import type {
  ConfigCheck,
  ConfigField,
  ConfigRequest,
  ItemConfig,
  ProductOptions,
} from '../../core/catalog/options.js';
import type { GlassKind, Opening } from '../../core/common/slots.js';
import type { DraftLineView, DraftView, PromotionEffect } from '../../core/orders/order.types.js';
import type { DealerAccount, OrderRecord, OrderStatus } from '../../core/orders/ports.js';
import { voucherName } from './care.replies.js';
import { monthDayTimeZh } from './format.js';
import { formatPercent, formatYuan } from './policy.explain.js';
import type { ReplenishLine, StockReport } from '../../core/stock/stock.service.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 2026-12-02 → 12月2日（周三） */
export function dateZh(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日（周${WEEKDAYS[d.getUTCDay()]}）`;
}

const timeZh = monthDayTimeZh;

/** "2 小时前", "15 分钟前", "3 天前". */
export function ageZh(at: Date, now: Date): string {
  const min = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  if (min < 1) return '刚刚';
  if (min < 60) return `${min} 分钟前`;
  if (min < 24 * 60) return `${Math.floor(min / 60)} 小时前`;
  return `${Math.floor(min / 1440)} 天前`;
}

const STATUS_ZH: Record<OrderStatus, string> = {
  placed: '已下单，待发货',
  shipped: '已发货',
  delivered: '已送达',
  cancelled: '已取消',
};

export const GLASS_ZH: Record<GlassKind, string> = {
  single: '单玻',
  double: '双玻（中空）',
  triple: '三玻两腔',
  laminated: '夹胶',
  lowe: 'Low-E',
};
export const OPENING_ZH: Record<Opening, string> = {
  inward: '内开',
  outward: '外开',
  left: '左开',
  right: '右开',
  sliding: '推拉',
};
const FIELD_ZH: Record<ConfigField, string> = { width: '宽度', height: '高度', glass: '玻璃', opening: '开启方向' };

/** "1500×1800mm 双玻（中空） 内开 深灰" */
export function configText(c: ItemConfig): string {
  return [
    `${c.widthMm}×${c.heightMm}mm`,
    c.glass ? GLASS_ZH[c.glass] : '',
    c.opening ? OPENING_ZH[c.opening] : '',
    c.color ?? '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** A line's name, with its configuration when it is made to size. */
function itemName(l: { name: string; config?: ItemConfig }): string {
  return l.config ? `${l.name}（${configText(l.config)}）` : l.name;
}

/** mm² as m² with two decimals ("1.80"). */
const m2 = (mm2: number) => (mm2 / 1_000_000).toFixed(2);

/** What a made-to-size product still needs said, with its choices. */
function optionChoices(fields: readonly ConfigField[], o: ProductOptions): string {
  return fields
    .map((f) => {
      if (f === 'glass') return `玻璃（${o.glass.map((g) => GLASS_ZH[g.kind]).join('/')}）`;
      if (f === 'opening') return `开启方向（${o.openings.map((x) => OPENING_ZH[x]).join('/')}）`;
      const r = f === 'width' ? o.widthMm : o.heightMm;
      return `${FIELD_ZH[f]}（${r.min}–${r.max} mm）`;
    })
    .join('、');
}

/** "1500*1800 双玻 内开": an answer that would do. */
function optionExample(fields: readonly ConfigField[], o: ProductOptions): string {
  return [
    fields.includes('width') || fields.includes('height') ? '1500*1800' : '',
    fields.includes('glass') && o.glass[0] ? GLASS_ZH[o.glass[0].kind].replace(/（.*）/, '') : '',
    fields.includes('opening') ? OPENING_ZH[o.openings[0]!] : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function line(l: DraftLineView, i: number): string {
  let s = `${i + 1}. ${itemName(l)} × ${l.qty}${l.unit}  单价 ${formatYuan(l.unitPriceFen)}  小计 ${formatYuan(l.amountFen)}`;
  if (l.config && l.billedAreaMm2 !== undefined) {
    s += `\n   定制：每${l.unit}按 ${m2(l.billedAreaMm2)}㎡ 计价${l.expectedDate ? `，预计 ${dateZh(l.expectedDate)} 生产完成` : ''}`;
  }
  if (l.qtyProblem) {
    s +=
      l.qtyProblem.reason === 'below_moq'
        ? `\n   ⚠ 起订量 ${l.qtyProblem.nearest[0]}${l.unit}，请改为 ${l.qtyProblem.nearest[0]}${l.unit} 或以上`
        : `\n   ⚠ 需按倍数订货，可改为 ${l.qtyProblem.nearest.map((n) => `${n}${l.unit}`).join(' 或 ')}`;
  }
  if (l.shortfall > 0 && l.expectedDate) {
    s += `\n   ⚠ 总部现货 ${l.available}${l.unit}，缺 ${l.shortfall}${l.unit}，预计 ${dateZh(l.expectedDate)} 到货（仍可下单）`;
  }
  return s;
}

function creditLines(c: CreditCheck): string[] {
  const out: string[] = [];
  if (c.overdueFen > 0)
    out.push(`⛔ 有应收款逾期超过 30 天（最长 ${c.maxOverdueDays} 天），金额 ${formatYuan(c.overdueFen)}。`);
  if (c.overLimitFen > 0)
    out.push(`⛔ 本单将超出信用额度 ${formatYuan(c.overLimitFen)}（当前占用 ${formatYuan(c.exposureFen)}）。`);
  if (out.length > 0) out.push(`需先回款 ${formatYuan(c.settleFen)} 才能确认下单，回款后回复“确认”即可。`);
  return out;
}

function rebateLine(v: DraftView): string | null {
  const r = v.rebate;
  if (!r) return null;
  const band = r.bandUp
    ? `返利档位 ${formatPercent(r.rateBefore)} → ${formatPercent(r.rateAfter)}`
    : `返利档位 ${formatPercent(r.rateAfter)}`;
  return `💰 确认后${r.periodLabel}累计 ${formatYuan(r.amountAfterFen)}，${band}，预计返利增加 ${formatYuan(r.rebateDeltaFen)}。`;
}

/** 高性价比产品满 ¥20,000 减 8% */
function promotionRule(p: PromotionEffect): string {
  return `${p.productTags.join('、')}产品满 ${formatYuan(p.minOrderAmountFen)} 减 ${formatPercent(p.discountRate)}`;
}

/** Change examples made of the draft's own lines ("N60改成40套""A70不要了"), none for a product it does not hold. */
function draftExamples(v: DraftView): string {
  const models = v.lines.map((l) => ({ model: l.name.split(' ').at(-1) ?? l.name, l }));
  const first = models[0];
  if (!first) return '';
  const out = [`“${first.model}改成${first.l.qty * 2}${first.l.unit}”`];
  const last = models.at(-1)!;
  if (models.length > 1) out.push(`“${last.model}不要了”`);
  return out.join('');
}

/** The total, with the promotion discount, the voucher, and what is still missing for either. */
function totalLines(v: DraftView): string[] {
  const reached = v.promotions.filter((p) => p.reached && p.discountFen > 0);
  const voucher = v.voucher?.applied ? v.voucher : undefined;
  const out: string[] = [];
  if (reached.length === 0 && !voucher) out.push(`合计：${formatYuan(v.totalFen)}`);
  else {
    out.push(`商品金额：${formatYuan(v.subtotalFen)}`);
    for (const p of reached) out.push(`满减优惠：${p.policyName}（${promotionRule(p)}）−${formatYuan(p.discountFen)}`);
    if (voucher)
      out.push(
        `🎁 ${voucherName(voucher.kind)}：−${formatYuan(voucher.amountFen)}（有效期至 ${dateZh(voucher.validUntil)}，确认下单即使用）`,
      );
    out.push(`优惠后合计：${formatYuan(v.totalFen)}`);
  }
  for (const p of v.promotions.filter((x) => !x.reached && x.gapFen > 0)) {
    out.push(
      `🎁 还差 ${formatYuan(p.gapFen)} 可享满减：${p.policyName}，${promotionRule(p)}（本单相关产品 ${formatYuan(p.eligibleFen)}）。`,
    );
  }
  if (v.voucher && !v.voucher.applied)
    out.push(
      `🎁 您有一张${voucherName(v.voucher.kind)}（满 ${formatYuan(v.voucher.minOrderFen)} 减 ${formatYuan(v.voucher.amountFen)}，有效期至 ${dateZh(v.voucher.validUntil)}），本单再加 ${formatYuan(v.voucher.gapFen)} 即可使用。`,
    );
  return out;
}

/** "合计 ¥…" of a placed order, with its discount when it had one. */
function orderTotal(o: OrderRecord, label = '合计 '): string {
  const promo = o.discountFen - (o.voucher?.amountFen ?? 0);
  const parts = [
    promo > 0 ? `满减优惠 ${formatYuan(promo)}` : '',
    o.voucher ? `${voucherName(o.voucher.kind)} ${formatYuan(o.voucher.amountFen)}` : '',
  ].filter(Boolean);
  const discount = parts.length ? `（已减${parts.join('、')}）` : '';
  return `${label}${formatYuan(o.totalFen)}${discount}`;
}

function dateLine(v: DraftView): string[] {
  const n = v.dateNote;
  const wanted = v.deliveryDate
    ? `${dateZh(v.deliveryDate)}${v.deliveryBy ? '前送到' : ''}`
    : '未指定（按最早可发货安排）';
  const out = [`送货日期：${wanted}`];
  const earliest = `最早可以 ${dateZh(v.earliestDate)} 送`;
  if (n?.kind === 'past')
    out.push(`❓ 您说的 ${dateZh(n.date)} 已经过去了，${earliest}，请回复新的送货日期，例如“改到下周三送”。`);
  if (n?.kind === 'today') out.push(`❓ 今天（${dateZh(n.date)}）送不了，${earliest}，请回复新的送货日期。`);
  if (n?.kind === 'rolled')
    out.push(`❓ 您说的日期今年已经过了（按字面是 ${n.date}），${earliest}，请回复正确的送货日期。`);
  if (n?.kind === 'before_stock')
    out.push(`⚠ 部分产品预计 ${dateZh(n.expectedDate)} 才到货，${dateZh(n.date)} 可能无法送齐。`);
  return out;
}

/** A line's name, with its size when the product has several made-to-size lines ("N60（1200×1500mm）"). */
const diffName = (d: { name: string; config?: ItemConfig }) =>
  d.config ? `${d.name}（${d.config.widthMm}×${d.config.heightMm}mm）` : d.name;

function diffZh(d: DraftDiff): string {
  switch (d.kind) {
    case 'added':
      return `新增 ${diffName(d)} ${d.qty}${d.unit}`;
    case 'removed':
      return `去掉 ${diffName(d)}（原 ${d.qty}${d.unit}）`;
    case 'qty':
      return `${diffName(d)} ${d.from}${d.unit} → ${d.to}${d.unit}`;
    case 'same':
      return `${diffName(d)} ${d.qty}${d.unit} 不变`;
    case 'config':
      return `${d.name}（${configText(d.from)}）→（${configText(d.to)}）`;
    case 'date':
      return `送货日期 ${d.from ? dateZh(d.from) : '未指定'} → ${d.to ? `${dateZh(d.to)}${d.by ? '前' : ''}` : '未指定'}`;
  }
}

const NO_DRAFT = '当前没有待确认的订单草稿。要下单请直接发，例如“N60 30套 下周三送”。';

export const ordersReplies = {
  dealerOnly: '下单、查订单和库存需要用经销商账号操作。',
  suggestionDraftTitle: '按补货建议生成的订单草稿（待确认）：',

  draft(v: DraftView, opts: { title?: string } = {}): string {
    const parts = [opts.title ?? '订单草稿（待确认）：', ...v.lines.map(line), ...totalLines(v), ...dateLine(v)];
    const rebate = rebateLine(v);
    if (rebate) parts.push(rebate);
    parts.push(...creditLines(v.credit));
    // The example names the line to fix ("A50改成20套"), not a product the draft does not hold.
    const toFix = v.lines.find((l) => l.qtyProblem);
    if (toFix) {
      const model = toFix.name.split(' ').at(-1) ?? toFix.name;
      parts.push(`请先改好数量再确认，例如“${model}改成${toFix.qtyProblem!.nearest[0]}${toFix.unit}”。`);
    }
    const examples = `可以说${draftExamples(v)}“改到下周三送”；回复“取消”作废。草稿 30 分钟内有效。`;
    parts.push(v.canConfirm ? `回复“确认”下单；${examples}` : examples);
    return parts.join('\n');
  },

  askItems: '请告诉我要订的产品和数量，例如“N60 30套 下周三送”。',
  askQty: (names: string[]) => `请告诉我 ${names.join('、')} 各要多少，例如“N60 30套”。`,
  askWhich: (mention: string, names: string[]) =>
    `“${mention}”有 ${names.length} 款，您要的是 ${names.slice(0, -1).join('、')}还是 ${names.at(-1)}？直接回复型号即可。`,
  clarifyFailed: '还是没能确定是哪一款。可以直接发型号（如“N60 30套”），发“帮助”看示例，或发“转人工”让客户经理协助。',
  qtyInvalid: (name: string, qty: number, max: number) =>
    qty > max
      ? `${name} 数量 ${qty} 超出单行上限 ${max}，请核对后重新发送。没有生成订单。`
      : `数量需要是正整数（${name}：${qty}），请核对后重新发送。没有生成订单。`,
  negativeQty: '数量不能是负数，请核对后重新发送。没有生成订单。',
  unknownProduct: (mention?: string) =>
    `没找到${mention ? `“${mention}”这个` : '这个'}产品，请发型号或产品名，例如“N60”“L型橱柜”。发“帮助”可看用法。`,
  tooManyLines: (max: number) => `一张订单最多 ${max} 个品项，请分开下单。`,

  noDraft: NO_DRAFT,
  draftGone: (reason: 'expired' | 'confirmed' | 'cancelled' | 'not_found', orderNo?: string | null) =>
    reason === 'expired'
      ? '这张草稿已超过 30 分钟失效，没有下单。请重新发送要订的产品和数量。'
      : reason === 'confirmed'
        ? `这张草稿已经下单${orderNo ? `（${orderNo}）` : ''}，无需重复操作。`
        : reason === 'cancelled'
          ? '这张草稿已取消。要下单请重新发送产品和数量。'
          : NO_DRAFT,
  notInDraft: (name: string) => `草稿里没有 ${name}，没有改动。`,
  lastLine: '这是草稿里最后一个品项了。不想要这单的话，回复“取消”即可。',
  whichLine: '草稿里有多个品项，请说明改哪个，例如“N60改成40套”。',
  whichLineReplaced: (name: string) =>
    `草稿里有多个品项，要把哪一个换成 ${name}？例如“不是N60，是${name.split(' ').at(-1)}”。草稿没有改动。`,
  askSwapQty: (old: string, name: string, unit: string) =>
    `要把 ${old} 换成 ${name} 吗？${name} 按${unit}订货，请说数量，例如“不是${old.split(' ').at(-1)}，是${name.split(' ').at(-1)} 10${unit}”。草稿没有改动。`,
  modifyUnclear: '没看懂要怎么改，草稿没有改动。可以说“N60改成40套”“N60不要了”“改到下周三送”。',
  draftCancelled: '好的，这张草稿已取消，没有下单。',
  notInDraftMention: (mention: string) => `草稿里没有“${mention}”的产品，草稿没有改动。`,
  whichOfDraft: (names: string[]) =>
    `草稿里有 ${names.join('、')}，请说明改哪个，例如“${names[0]}不要了”。草稿没有改动。`,
  askNewQty: (name: string, unit: string) => `${name} 要改成多少${unit}？例如“改成40${unit}”。草稿没有改动。`,
  askAddQty: (name: string) => `要在草稿里加 ${name} 吗？请说数量，例如“再加 ${name} 10套”。草稿没有改动。`,
  askExactQty: (names: string[]) => `请告诉我 ${names.join('、')} 的确切数量，例如“30套”。`,
  factorNotWhole: '按这个倍数算出来不是整数，请直接说要改成多少，例如“N60改成15套”。草稿没有改动。',
  unitReadAs: (name: string, qty: number, unit: string, productUnit: string) =>
    `${name} 按${productUnit}订货，${qty}${unit}已按 ${qty}${productUnit} 计入草稿。`,
  unitLineLeftOut: (name: string, qty: number, unit: string, productUnit: string) =>
    `${name} 按${productUnit}订货，您说的是 ${qty}${unit}，这一行没有加进草稿；请按${productUnit}告诉我数量，例如“加 ${name.split(' ').at(-1)} ${qty}${productUnit}”。`,
  unitMismatch: (name: string, qty: number, unit: string, productUnit: string) =>
    `${name} 按${productUnit}订货，您说的是 ${qty}${unit}。请按${productUnit}告诉我数量，例如“${qty}${productUnit}”。没有改动。`,

  /** "N75 30套 不变；新增 N60 20套". */
  nothingChanged: '草稿没有改动。',
  addressByManager: '送货地址不能在聊天里改，由客户经理在账户里修改：发“转人工”我请客户经理联系您。草稿没有改动。',
  alreadyConfigured: (c: ConfigRequest) => {
    const said = [
      c.widthMm !== undefined ? `宽${c.widthMm}mm` : '',
      c.heightMm !== undefined ? `高${c.heightMm}mm` : '',
      c.glass ? GLASS_ZH[c.glass] : '',
      c.opening ? OPENING_ZH[c.opening] : '',
      c.color ?? '',
    ];
    return `已经是${said.filter(Boolean).join(' ')}了，草稿没有改动。`;
  },
  /** A glass, opening or colour change while no line of the draft is made to size. */
  noConfiguredLine: '草稿里没有按尺寸定做的产品，颜色、玻璃、开启方向只对定做的门窗可选。草稿没有改动。',
  noConfiguredLineToSize: '草稿里没有按尺寸定做的产品，标准规格的产品不能改尺寸。草稿没有改动。',
  /** `sizing`: the dealer asked for another size. */
  notMadeToSizeLine: (name: string, sizing = false) =>
    `草稿里的 ${name} 是标准规格，${sizing ? '不能改尺寸' : '不能单改颜色、玻璃或开启方向'}；要定做请发尺寸，例如“${name.split(' ').at(-1)} 1500*1800 双玻 内开 5樘”。草稿没有改动。`,
  standardSized: (name: string) => `${name} 是标准规格，不按尺寸定做，不能改尺寸。草稿没有改动。`,
  sizeNotPositive: '尺寸要大于 0：宽和高按毫米说，例如“尺寸改成1500*1800”。草稿没有改动。',
  noLineOfSize: (size: { width_mm: number; height_mm: number }, labels: string[]) =>
    `草稿里没有 ${size.width_mm}×${size.height_mm}mm 的定做产品，现有：${labels.join('、')}。草稿没有改动。`,
  /** "改哪一行？": numbered, answered by a size ("1500*1800的") or a position ("第二个"). */
  whichConfiguredLine: (labels: string[], first?: ItemConfig) =>
    `草稿里有 ${labels.length} 行定做产品：${labels.map((l, i) => `${i + 1}. ${l}`).join('；')}。要改哪一行？请回复尺寸${first ? `（例如“${first.widthMm}*${first.heightMm}的”）` : ''}或“第${'一二三四五六七八九十'[Math.min(labels.length, 10) - 1]}个”。草稿没有改动。`,
  configuredLine: (l: { name: string; config?: ItemConfig }) => itemName(l),
  changeEcho: (diffs: DraftDiff[]) => `已修改：${diffs.map(diffZh).join('；')}`,

  /** Answers to questions asked while a draft waits; the draft stays as it is. */
  draftUnchanged: (v: DraftView) =>
    `草稿没有改动（${v.lines.map((l) => `${itemName(l)} × ${l.qty}${l.unit}`).join('、')}，合计 ${formatYuan(v.totalFen)}）。`,
  deliveryAnswer: (v: DraftView, asked: string | undefined, today: string) => {
    // "刚才那单什么时候到": the date the draft holds, and that nothing is ordered until it is confirmed.
    if (!asked && v.deliveryDate)
      return `这张草稿还没下单，定的送货日期是 ${dateZh(v.deliveryDate)}；回复“确认”下单后按这天送。`;
    if (!asked)
      return `这张草稿最早可以 ${dateZh(v.earliestDate)} 送货。要定日期请说“改到${dateZh(v.earliestDate)}送”。`;
    if (asked <= today) return `${dateZh(asked)} 送不了，最早可以 ${dateZh(v.earliestDate)} 送。`;
    if (asked < v.earliestDate) return `${dateZh(asked)} 送不齐，最早可以 ${dateZh(v.earliestDate)} 送。`;
    return `${dateZh(asked)} 可以送到。要按这个日期送，请说“改到${dateZh(asked)}送”。`;
  },
  rebateAnswer: (v: DraftView, added: string[] = []) => {
    const r = v.rebate;
    if (!r) return '这张草稿不计入返利档位。';
    const next = r.next ? `离下一档 ${formatPercent(r.next.rate)} 还差 ${formatYuan(r.next.gapFen)}` : '已经是最高一档';
    const basis = added.length > 0 ? `按这张草稿再加 ${added.join('、')} 计算` : '按这张草稿下单计算';
    return `${added.length > 0 ? `再加 ${added.join('、')}：` : ''}${rebateLine(v)}\n${next}（${basis}）。`;
  },
  totalAnswer: (v: DraftView) => `这张草稿 ${v.lines.length} 个品项，${totalLines(v).join('，')}。`,
  priceAnswer: (lines: Array<{ name: string; priceFen: number; unit: string }>) =>
    lines.map((l) => `${l.name}：您的价格 ${formatYuan(l.priceFen)}/${l.unit}`).join('\n'),
  confirmAgain: (v: DraftView) =>
    [
      `确认下单吗？${v.lines.map((l) => `${itemName(l)} × ${l.qty}${l.unit}`).join('、')}，合计 ${formatYuan(v.totalFen)}。`,
      '回复“确认”下单，回复“取消”作废。',
    ].join('\n'),

  /** The mini-program card opening a placed order. */
  orderCardTitle: (orderNo: string) => `查看订单 ${orderNo}`,
  placed: (o: OrderRecord, short: DraftLineView[] = []) =>
    [
      `✅ 已下单：${o.orderNo}`,
      ...o.lines.map((l) => `· ${itemName(l)} × ${l.qty}${l.unit}  ${formatYuan(l.amountFen)}`),
      `${orderTotal(o, '合计：')}${o.deliveryDate ? `，送货日期 ${dateZh(o.deliveryDate)}${o.deliveryBy ? '前送到' : ''}` : ''}`,
      ...short.map(
        (l) =>
          `⚠ ${itemName(l)} 总部缺 ${l.shortfall}${l.unit}，预计 ${dateZh(l.expectedDate!)} 到货，缺的部分到货后才能送齐。`,
      ),
      o.lines.every((l) => l.config)
        ? '定制产品已安排生产，并通知客户经理。查进度发“订单号+到哪了”。'
        : o.lines.some((l) => l.config)
          ? '现货已为您预留总部库存，定制产品已安排生产，并通知客户经理。查进度发“订单号+到哪了”。'
          : '已为您预留总部库存，并通知客户经理。查进度发“订单号+到哪了”。',
    ].join('\n'),
  already: (orderNo: string) => `这张草稿已经下过单了（${orderNo}），不会重复下单。`,
  expired: '这张草稿已超过 30 分钟失效，没有下单。请重新发送要订的产品和数量，我重新给您核算。',
  closed: '这张草稿已取消，没有下单。要下单请重新发送产品和数量。',
  blocked: (v: DraftView) => `暂时不能确认：\n${ordersReplies.draft(v, { title: '订单草稿（未下单）：' })}`,

  managerNotice: (o: OrderRecord, d: DealerAccount) =>
    [
      `【新订单】${d.name}（${d.code}）通过聊天下单 ${o.orderNo}`,
      ...o.lines.map((l) => `· ${itemName(l)} × ${l.qty}${l.unit}  ${formatYuan(l.amountFen)}`),
      `${orderTotal(o)}${o.deliveryDate ? `，要求 ${dateZh(o.deliveryDate)} 送货` : ''}`,
    ].join('\n'),
  managerCancelNotice: (o: OrderRecord, d: DealerAccount) =>
    [
      `【订单取消】${d.name}（${d.code}）取消了订单 ${o.orderNo}，预留的总部库存已释放`,
      ...o.lines.map((l) => `· ${itemName(l)} × ${l.qty}${l.unit}`),
      orderTotal(o),
    ].join('\n'),

  notFound: (orderNo: string) => `未找到该订单（${orderNo}），请核对订单号。`,
  status: (o: OrderRecord) => {
    const parts = [
      `订单 ${o.orderNo}：${STATUS_ZH[o.status]}`,
      `下单时间：${timeZh(o.placedAt)}，金额 ${formatYuan(o.totalFen)}`,
    ];
    if (o.deliveryDate && o.status !== 'cancelled') parts.push(`送货日期：${dateZh(o.deliveryDate)}`);
    if (o.shippedAt) parts.push(`发货时间：${timeZh(o.shippedAt)}`);
    if (o.cancelledAt) parts.push(`取消时间：${timeZh(o.cancelledAt)}`);
    parts.push(...o.lines.map((l) => `· ${itemName(l)} × ${l.qty}${l.unit}`));
    return parts.join('\n');
  },
  recent: (orders: OrderRecord[]) =>
    orders.length === 0
      ? '您还没有订单记录。下单请直接发，例如“N60 30套 下周三送”。'
      : [
          `您最近的 ${orders.length} 个订单：`,
          ...orders.map(
            (o) => `· ${o.orderNo}  ${timeZh(o.placedAt)}  ${formatYuan(o.totalFen)}  ${STATUS_ZH[o.status]}`,
          ),
          '发订单号可查看详情，例如“SO202611260001 到哪了”。',
        ].join('\n'),
  askCancelNo: (cancellable: OrderRecord[]) =>
    cancellable.length === 0
      ? '您目前没有可以取消的订单（已发货的订单无法取消）。'
      : `请告诉我要取消的订单号，例如“取消 ${cancellable[0]!.orderNo}”。可取消的订单：\n${cancellable.map((o) => `· ${o.orderNo}  ${formatYuan(o.totalFen)}`).join('\n')}`,
  cancelled: (o: OrderRecord) => `订单 ${o.orderNo} 已取消，预留的总部库存已释放。`,
  cancelAsk: (o: OrderRecord) =>
    `确认取消订单 ${o.orderNo} 吗？${o.lines.map((l) => `${itemName(l)} × ${l.qty}${l.unit}`).join('、')}，${orderTotal(o)}。回复“确认”取消，回复“不”保留订单。`,
  cancelKept: (orderNo: string) => `好的，订单 ${orderNo} 保留，没有取消。`,
  askWhichOrder: (orders: OrderRecord[]) =>
    `哪一单？${orders.map((o) => `\n· ${o.orderNo}  ${formatYuan(o.totalFen)}  ${STATUS_ZH[o.status]}`).join('')}\n回复订单号，或说“最近那单”。`,
  /** "SO… 改成40套": a placed order is not edited in chat; how to change it, by status. */
  placedOrderChange: (o: OrderRecord) =>
    o.status === 'placed'
      ? `订单 ${o.orderNo} 已下单、还没发货（${o.lines.map((l) => `${itemName(l)} × ${l.qty}${l.unit}`).join('、')}）。下单后不能在聊天里直接改数量：可以发“取消 ${o.orderNo}”后重新下单，或发“转人工”请客户经理修改。`
      : o.status === 'cancelled'
        ? `订单 ${o.orderNo} 已取消，不能再修改。要订货请重新下单，例如“N60 30套”。`
        : `订单 ${o.orderNo} ${STATUS_ZH[o.status]}，不能再修改。如需补货请重新下单；退换货请发“转人工”联系客户经理。`,
  alreadyCancelled: (o: OrderRecord) => `订单 ${o.orderNo} 之前已经取消了。`,
  notCancellable: (o: OrderRecord) =>
    `订单 ${o.orderNo} ${STATUS_ZH[o.status]}，无法在线取消。如需退货请发“转人工”联系客户经理。`,

  noLastOrder: '没有找到您之前的订单，请直接发要订的产品和数量，例如“N60 30套”。',
  reorderTitle: (o: OrderRecord) => `按上次订单 ${o.orderNo} 重新核算（当前价格和库存）：`,

  stockAskProduct: '请告诉我要查的产品，例如“KC-L01还有货吗”。',
  stock: (reports: StockReport[], now: Date) =>
    reports
      .map((r) => {
        const p = r.product;
        const parts = [`【${p.name}】`];
        parts.push(
          r.hq.shortfall > 0
            ? `总部可用 ${r.hq.available}${p.unit}，不足一个起订量，新货预计 ${dateZh(r.hq.expectedDate!)} 到（可先下单）`
            : `总部可用 ${r.hq.available}${p.unit}，现货可发`,
        );
        if (r.dealer) {
          const cover =
            r.daysOfCover === null
              ? '近 30 天没有销售记录'
              : `近 30 天销售 ${r.sold30}${p.unit}，约可卖 ${Math.floor(r.daysOfCover)} 天`;
          parts.push(`您的库存 ${r.dealer.qty}${p.unit}（库存数据更新于 ${ageZh(r.dealer.syncedAt, now)}），${cover}`);
        } else {
          parts.push('您的库存：暂无同步数据');
        }
        parts.push(
          `您的价格 ${formatYuan(p.priceFen)}/${p.unit}，起订 ${p.moq}${p.unit}${p.orderMultiple > 1 ? `，按 ${p.orderMultiple}${p.unit} 递增` : ''}`,
        );
        return parts.join('\n');
      })
      .join('\n\n'),

  /** "N60 要哪种玻璃？" — asked once for everything a made-to-size line lacks. */
  askOptions: (name: string, fields: readonly ConfigField[], o: ProductOptions) =>
    `${name} 按尺寸定做，还需要：${optionChoices(fields, o)}。请一次告诉我，例如“${optionExample(fields, o)}”。`,
  optionsStillMissing: (name: string, fields: readonly ConfigField[], o: ProductOptions) =>
    `还是缺少 ${name} 的${fields.map((f) => FIELD_ZH[f]).join('、')}，草稿没有生成。请把型号、尺寸、选项和数量一起发我，例如“${name.split(' ').at(-1)} ${optionExample(['width', 'glass', 'opening'], o)} 5樘”。`,
  /** `changed`: what happened to the draft (none was made, or an open one stays as it was). */
  configInvalid: (
    name: string,
    c: Exclude<ConfigCheck, { ok: true } | { reason: 'missing' }>,
    changed = '草稿没有生成。',
  ) => {
    const short = name.split(' ').at(-1) ?? name;
    switch (c.reason) {
      case 'width_range':
      case 'height_range': {
        const what = c.reason === 'width_range' ? '宽度' : '高度';
        return `${short} ${what} ${c.min}–${c.max} mm，您要的 ${c.value} mm 超出范围，${changed}请改一下尺寸再发我。`;
      }
      case 'glass':
        return `${short} 不做${GLASS_ZH[c.value]}玻璃，可选：${c.offered.length ? c.offered.map((g) => GLASS_ZH[g]).join('、') : '（此款不带玻璃）'}。${changed}`;
      case 'opening':
        return `${short} 没有${OPENING_ZH[c.value]}，可选：${c.offered.map((x) => OPENING_ZH[x]).join('、')}。${changed}`;
      case 'color':
        return `${short} 没有“${c.value}”这个颜色，可选：${c.offered.join('、')}。${changed}`;
    }
  },
  unknownGlass: (word: string, name: string, o: ProductOptions) =>
    o.glass.length === 0
      ? `${name} 不带玻璃，不需要选玻璃。请去掉“${word}”再发我。`
      : `“${word}”不是我们的玻璃配置，${name} 可选：${o.glass.map((g) => GLASS_ZH[g.kind]).join('、')}。草稿没有生成，请选一种再发我。`,
  notConfigurable: (name: string) =>
    `${name} 不按尺寸定做，按标准规格订货即可：请只发型号和数量，例如“${name.split(' ').at(-1)} 10套”。`,

  replenishNone: '按最近 30 天的销售看，您的库存都还够卖（均高于到货周期 + 7 天安全库存），暂时不用补货。',
  replenishNoSales: (hasStock: boolean) =>
    `近 30 天没有您门店的销售数据${hasStock ? '' : '，也没有库存同步数据'}，没法按销量算补货。门店 POS${hasStock ? '' : '和库存'}数据同步后再问我；想补哪款可以直接说，例如“N60 来20套”。`,
  replenishNoStock:
    '还没有您的库存同步数据，没法判断库存够不够卖。库存数据同步后再问我；想补哪款可以直接说，例如“N60 来20套”。',
  /**
   * "N60要补货吗": each product asked, from its own data — no synced stock or no recent sales is said, never read as
   * enough stock.
   */
  replenishAsked: (reports: StockReport[], lines: ReplenishLine[]) =>
    [
      ...reports.map((r) => {
        const { name, unit, leadTimeDays } = r.product;
        const line = lines.find((l) => l.sku === r.product.sku);
        if (r.dealer === null)
          return `· ${name}：还没有您的库存同步数据，没法判断够不够卖${r.sold30 > 0 ? `（近 30 天卖出 ${r.sold30}${unit}）` : ''}。`;
        if (line)
          return `· ${name}：库存 ${line.stockQty}${unit}，约可卖 ${Math.floor(line.daysOfCover)} 天（到货需 ${leadTimeDays} 天）→ 建议补 ${line.qty}${unit}，约 ${formatYuan(line.qty * r.product.priceFen)}`;
        if (r.daysOfCover === null) return `· ${name}：库存 ${r.dealer.qty}${unit}，近 30 天没有卖出，暂时不用补。`;
        return `· ${name}：库存 ${r.dealer.qty}${unit}，约可卖 ${Math.floor(r.daysOfCover)} 天，高于到货周期 + 7 天，暂时不用补。`;
      }),
      `想补可以直接说，例如“${reports[0]?.product.sku.replace(/^[A-Z]+-/, '') ?? 'N60'} 来20套”。`,
    ].join('\n'),
  replenish: (lines: ReplenishLine[], replacesDraft = false, hasStockData = true) =>
    [
      '建议补货（库存可卖天数低于到货周期 + 7 天安全期）：',
      hasStockData ? null : '（还没有您的库存同步数据，以下按库存 0 估算）',
      ...lines.map(
        (l) =>
          `· ${l.product.name}：库存 ${l.stockQty}${l.product.unit}，约可卖 ${Math.floor(l.daysOfCover)} 天（到货需 ${l.product.leadTimeDays} 天）→ 建议订 ${l.qty}${l.product.unit}，约 ${formatYuan(l.qty * l.product.priceFen)}`,
      ),
      replacesDraft
        ? '回复“按建议下单”即可生成新的订单草稿（会替换您之前未确认的草稿），确认前还可以修改。'
        : '回复“按建议下单”即可生成订单草稿，确认前还可以修改。',
    ]
      .filter((l) => l !== null)
      .join('\n'),
};
