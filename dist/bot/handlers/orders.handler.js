import { OrderError } from '../../core/orders/order.errors.js';
import { reply } from '../dialog/turn.js';
import { normalize } from '../nlu/normalize.js';
import { NUMBER_SRC, parseNumber } from '../nlu/numbers.js';
import { UNITS } from '../nlu/nlu.types.js';
import { ordersReplies as R } from '../replies/orders.replies.js';
import { orderService, stockService, unknownModelCode } from './orders.services.js';
import { stockHandlers } from './stock.handler.js';
/** Orders and stock are a dealer's own business: managers get a clear answer, never someone's data. */
const dealerOnly = (h) => (ctx, turn) => ctx.identity.kind === 'dealer' ? h(ctx, ctx.identity, turn) : Promise.resolve(reply(R.dealerOnly));
const UNIT_ALT = [...UNITS].sort((a, b) => b.length - a.length).join('|');
const LOOSE_QTY_RE = new RegExp(`(${NUMBER_SRC})\\s*(?:${UNIT_ALT})`);
const NEGATIVE_QTY_RE = new RegExp(`(?<![a-z0-9])[-−负]\\s*\\d+(?:\\.\\d+)?\\s*(?:${UNIT_ALT})`);
const ADD_RE = /再加|加上|追加|多加|另加|再来|再要|还要|添|加\d|加[一二两三四五六七八九十百]/;
const SUBTRACT_RE = /减|少要|少来|少订/;
const SUGGESTION_RE = /建议/;
const dateOf = (slots) => slots.date ? { date: slots.date, ...(slots.date_rolled_forward ? { rolledForward: true } : {}) } : undefined;
const nameOf = (ctx, sku) => ctx.catalog.product(sku)?.name ?? sku;
/** Runs a draft-writing call; impossible requests become a clear reply and change nothing. */
async function guarded(fn, ctx) {
    try {
        return await fn();
    }
    catch (e) {
        if (!(e instanceof OrderError))
            throw e;
        const d = e.details;
        switch (e.code) {
            case 'ORDER.QTY_INVALID':
                return reply(R.qtyInvalid(nameOf(ctx, d.sku ?? ''), d.qty ?? 0, d.max ?? 0));
            case 'ORDER.UNKNOWN_PRODUCT':
                return reply(R.unknownProduct());
            case 'ORDER.TOO_MANY_LINES':
                return reply(R.tooManyLines(d.max ?? 0));
            case 'ORDER.NO_ITEMS':
                return reply(R.askItems);
            default:
                throw e;
        }
    }
}
function askWhich(ctx, pending, draftId) {
    const state = {
        awaiting: 'clarify_product',
        ...(draftId ? { draftId } : {}),
        asked: { kind: 'product', intent: pending.intent, pending },
    };
    return {
        ...reply(R.askWhich(pending.ambiguity.mention, pending.ambiguity.candidates.map((s) => nameOf(ctx, s)))),
        state,
    };
}
/** A new draft; the previous open draft of this chat (if any) is dropped so only one waits for 确认. */
async function newDraft(ctx, dealer, items, date, title) {
    const missing = items.filter((i) => i.qty === undefined);
    if (missing.length > 0)
        return reply(R.askQty(missing.map((i) => nameOf(ctx, i.sku))));
    return guarded(async () => {
        const svc = orderService(ctx);
        const requests = items.map((i) => ({
            sku: i.sku,
            qty: i.qty,
            ...(i.unit ? { unit: i.unit } : {}),
        }));
        const view = await svc.createDraft(dealer.dealerCode, requests, date, ctx.now);
        if (ctx.state.draftId && ctx.state.draftId !== view.id)
            await svc.cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
        return { ...reply(R.draft(view, title ? { title } : {})), state: { awaiting: 'order_confirm', draftId: view.id } };
    }, ctx);
}
function draftReply(out, ctx, draftId) {
    switch (out.kind) {
        case 'draft':
            return { ...reply(R.draft(out.view)), state: { awaiting: 'order_confirm', draftId } };
        case 'gone':
            return { ...reply(R.draftGone(out.reason, out.orderNo)), state: {} };
        case 'no_change':
            return reply(out.reason === 'last_line' ? R.lastLine : R.notInDraft(nameOf(ctx, out.sku)));
    }
}
function changesFor(ctx, turn, draftSkus) {
    const t = normalize(ctx.text);
    const changes = [];
    const additive = ADD_RE.test(t);
    const subtract = SUBTRACT_RE.test(t);
    const items = [...(turn.slots.items ?? [])];
    // "窄边框改成40套" while the draft holds N60: the series word means the product already in the draft.
    if (turn.result.kind === 'ambiguous') {
        for (const a of turn.result.ambiguities) {
            const inDraft = a.candidates.filter((c) => draftSkus.includes(c));
            if (inDraft.length === 1)
                items.push({ sku: inDraft[0], ...(a.qty !== undefined ? { qty: a.qty, unit: a.unit } : {}) });
        }
    }
    for (const it of items) {
        if (it.qty === 0)
            changes.push({ kind: 'remove', sku: it.sku });
        else if (it.qty === undefined) {
            // "不对，是N75": swap the only line for this product, same quantity.
            if (draftSkus.length === 1 && draftSkus[0] !== it.sku)
                changes.push({ kind: 'swap', sku: it.sku });
        }
        else if (subtract)
            changes.push({ kind: 'subtract', sku: it.sku, qty: it.qty });
        else if (additive && draftSkus.includes(it.sku))
            changes.push({ kind: 'add', sku: it.sku, qty: it.qty });
        else
            changes.push({ kind: 'set', sku: it.sku, qty: it.qty });
    }
    if (items.length === 0) {
        const m = LOOSE_QTY_RE.exec(t);
        const qty = m ? parseNumber(m[1]) : null;
        if (qty !== null) {
            if (draftSkus.length !== 1)
                return { ask: 'which' };
            const sku = draftSkus[0];
            changes.push(subtract ? { kind: 'subtract', sku, qty } : additive ? { kind: 'add', sku, qty } : { kind: 'set', sku, qty });
        }
    }
    const date = dateOf(turn.slots);
    if (date)
        changes.push({ kind: 'date', date });
    return changes.length > 0 ? changes : null;
}
/** "KC-L01还有货吗" while a draft waits is a question, not a change to the draft. */
const STOCK_QUESTION = /有货|有没有货|现货|库存|还有吗|还有没有|还剩|多少钱|价格|单价/;
async function modify(ctx, dealer, turn) {
    const draftId = ctx.state.draftId;
    const noQty = (turn.slots.items ?? []).every((i) => i.qty === undefined) && !turn.slots.date;
    if (noQty && STOCK_QUESTION.test(normalize(ctx.text)))
        return stockHandlers['stock.query'](ctx, turn);
    if (!draftId)
        return reply(R.noDraft);
    const svc = orderService(ctx);
    const current = await svc.showDraft(dealer.dealerCode, draftId, ctx.now);
    if (current.kind !== 'draft')
        return draftReply(current, ctx, draftId);
    const skus = current.view.lines.map((l) => l.sku);
    if (NEGATIVE_QTY_RE.test(normalize(ctx.text)))
        return reply(R.negativeQty);
    const planned = changesFor(ctx, turn, skus);
    if (planned === null) {
        const amb = turn.result.kind === 'ambiguous' ? turn.result.ambiguities[0] : undefined;
        if (amb)
            return askWhich(ctx, { intent: 'order.modify', items: [], ambiguity: amb }, draftId);
        return reply(R.modifyUnclear);
    }
    if ('ask' in planned)
        return reply(R.whichLine);
    // A swap is an add of the new product with the old quantity, then the old line goes.
    const changes = planned.flatMap((c) => {
        if (c.kind !== 'swap')
            return [c];
        const old = current.view.lines[0];
        return [
            { kind: 'add', sku: c.sku, qty: old.qty },
            { kind: 'remove', sku: old.sku },
        ];
    });
    return guarded(async () => draftReply(await svc.modifyDraft(dealer.dealerCode, draftId, changes, ctx.now), ctx, draftId), ctx);
}
/** The answer to "您要的是 A 还是 B？": asked once; a second unclear answer offers help and a person. */
async function clarify(ctx, dealer, turn) {
    const pending = ctx.state.asked?.pending;
    const back = ctx.state.draftId ? { awaiting: 'order_confirm', draftId: ctx.state.draftId } : {};
    if (!pending)
        return { ...reply(R.clarifyFailed), state: back };
    const { candidates } = pending.ambiguity;
    const answered = [
        ...(turn.slots.items ?? []).map((i) => i.sku),
        ...(turn.result.kind === 'ambiguous' ? turn.result.ambiguities.flatMap((a) => a.candidates) : []),
    ].filter((s) => candidates.includes(s));
    const chosen = [...new Set(answered)];
    if (chosen.length !== 1)
        return { ...reply(R.clarifyFailed), state: back };
    const qty = turn.slots.items?.find((i) => i.sku === chosen[0])?.qty ?? pending.ambiguity.qty;
    const item = { sku: chosen[0], ...(qty !== undefined ? { qty } : {}) };
    if (pending.intent === 'order.place') {
        const result = await newDraft(ctx, dealer, [...pending.items, item], pending.date);
        return result.state ? result : { ...result, state: back };
    }
    if (!ctx.state.draftId)
        return { ...reply(R.noDraft), state: {} };
    if (item.qty === undefined)
        return { ...reply(R.askQty([nameOf(ctx, item.sku)])), state: back };
    const svc = orderService(ctx);
    const draftId = ctx.state.draftId;
    return guarded(async () => draftReply(await svc.modifyDraft(dealer.dealerCode, draftId, [{ kind: 'set', sku: item.sku, qty: item.qty }], ctx.now), ctx, draftId), ctx);
}
export const orderHandlers = {
    'order.place': dealerOnly(async (ctx, dealer, turn) => {
        if (NEGATIVE_QTY_RE.test(normalize(ctx.text)))
            return reply(R.negativeQty);
        const items = turn.slots.items ?? [];
        if (turn.result.kind === 'ambiguous') {
            const ambiguity = turn.result.ambiguities[0];
            const date = dateOf(turn.slots);
            return askWhich(ctx, { intent: 'order.place', items, ...(date ? { date } : {}), ambiguity }, ctx.state.draftId);
        }
        if (items.length === 0) {
            if (!SUGGESTION_RE.test(ctx.text)) {
                // A model code we do not sell gets named back, not a generic "what do you want?".
                const unknown = unknownModelCode(ctx);
                return reply(unknown ? R.unknownProduct(unknown) : R.askItems);
            }
            // "按建议下单": the advice is recomputed now, so the draft matches today's stock and sales.
            const advice = await stockService(ctx).replenishment({ code: dealer.dealerCode, tier: dealer.tier }, ctx.now);
            if (advice.length === 0)
                return reply(R.replenishNone);
            return newDraft(ctx, dealer, advice.map((a) => ({ sku: a.sku, qty: a.qty, unit: a.product.unit })), dateOf(turn.slots), '按补货建议生成的订单草稿（待确认）：');
        }
        return newDraft(ctx, dealer, items, dateOf(turn.slots));
    }),
    'order.modify': dealerOnly(async (ctx, dealer, turn) => ctx.state.awaiting === 'clarify_product' ? clarify(ctx, dealer, turn) : modify(ctx, dealer, turn)),
    confirm: dealerOnly(async (ctx, dealer) => {
        const draftId = ctx.state.draftId;
        if (!draftId || ctx.state.awaiting !== 'order_confirm')
            return reply(R.noDraft);
        const out = await orderService(ctx).confirmDraft(dealer.dealerCode, draftId, ctx.now);
        switch (out.kind) {
            case 'placed':
                return { ...reply(R.placed(out.order)), state: { lastDraftId: draftId } };
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
    deny: dealerOnly(async (ctx, dealer) => {
        if (ctx.state.awaiting === 'clarify_product' && !ctx.state.draftId)
            return { ...reply(R.draftCancelled), state: {} };
        if (!ctx.state.draftId)
            return reply(R.noDraft);
        const done = await orderService(ctx).cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
        return { ...reply(done ? R.draftCancelled : R.noDraft), state: {} };
    }),
    'order.status': dealerOnly(async (ctx, dealer, turn) => {
        const svc = orderService(ctx);
        const no = turn.slots.order_no;
        if (!no)
            return reply(R.recent(await svc.recentOrders(dealer.dealerCode)));
        const order = await svc.order(dealer.dealerCode, no);
        return reply(order ? R.status(order) : R.notFound(no));
    }),
    'order.cancel': dealerOnly(async (ctx, dealer, turn) => {
        const svc = orderService(ctx);
        const no = turn.slots.order_no;
        if (!no) {
            const cancellable = (await svc.recentOrders(dealer.dealerCode)).filter((o) => o.status === 'placed');
            return reply(R.askCancelNo(cancellable));
        }
        const out = await svc.cancelOrder(dealer.dealerCode, no, ctx.now);
        switch (out.kind) {
            case 'cancelled':
                return reply(R.cancelled(out.order));
            case 'already_cancelled':
                return reply(R.alreadyCancelled(out.order));
            case 'not_cancellable':
                return reply(R.notCancellable(out.order));
            case 'not_found':
                return reply(R.notFound(no));
        }
    }),
    'order.reorder': dealerOnly(async (ctx, dealer) => guarded(async () => {
        const svc = orderService(ctx);
        const out = await svc.reorder(dealer.dealerCode, ctx.now);
        if (!out)
            return reply(R.noLastOrder);
        if (ctx.state.draftId && ctx.state.draftId !== out.view.id)
            await svc.cancelDraft(dealer.dealerCode, ctx.state.draftId, ctx.now);
        return {
            ...reply(R.draft(out.view, { title: R.reorderTitle(out.last) })),
            state: { awaiting: 'order_confirm', draftId: out.view.id },
        };
    }, ctx)),
};
//# sourceMappingURL=orders.handler.js.map