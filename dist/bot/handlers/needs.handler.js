import { NeedError } from '../../core/needs/needs.errors.js';
import { NeedsService } from '../../core/needs/needs.service.js';
import { needCode, parseNeedCode } from '../../core/needs/needs.types.js';
import { NeedsRepository } from '../../db/repositories/needs.repository.js';
import { reply, } from '../dialog/turn.js';
import { commonReplies } from '../replies/common.replies.js';
import { needNotices, needReplies } from '../replies/needs.replies.js';
/** The needs service on the turn's transaction and notifier. */
const needsService = (ctx) => new NeedsService({
    store: new NeedsRepository(ctx.db),
    notifier: ctx.notifier,
    notices: needNotices,
    sla: ctx.settings?.needSla,
});
// A manager may set the category in words: "认领 N1024 类别 培训", "N1024 改为售后".
const CATEGORY_WORDS = [
    [/产品/, 'product'],
    [/培训/, 'training'],
    [/政策/, 'policy'],
    [/售后/, 'after_sales'],
    [/临期|滞销/, 'expiring_stock'],
    [/陈列/, 'display'],
    [/物流|配送/, 'logistics'],
    [/账款|付款|回款|发票/, 'payment'],
    [/其他|其它/, 'other'],
];
const CATEGORY_CHANGE = /(?:类别|分类|归为|归类|改为|改成|改类)\s*[:：]?\s*(\S{1,8})/;
function categoryFromText(text) {
    const m = CATEGORY_CHANGE.exec(text);
    if (!m)
        return undefined;
    return CATEGORY_WORDS.find(([re]) => re.test(m[1]))?.[1];
}
/** Coded needs errors as Chinese replies; anything else is a real failure and propagates. */
function failure(e, needId) {
    if (!(e instanceof NeedError))
        throw e;
    const d = e.details;
    const id = needId ?? '';
    switch (e.code) {
        case 'NEED.NOT_FOUND':
            return reply(needReplies.notFound(id));
        case 'NEED.NOT_YOURS':
            return d.dealerCode ? reply(needReplies.dealerNotYours(String(d.dealerCode))) : reply(needReplies.notYours(id));
        case 'NEED.MANAGER_NOT_FOUND':
            return reply(needReplies.managerNotFound(String(d.managerCode ?? '')));
        case 'NEED.DEALER_NOT_FOUND':
            return reply(needReplies.dealerNotFound(String(d.dealerCode ?? '')));
        case 'NEED.EMPTY_TEXT':
            return reply(needReplies.askDetail);
        case 'NEED.BAD_RATING':
            return reply(needReplies.ratingOutOfRange);
        case 'NEED.BAD_STATE': {
            const need = d.need;
            if (!need)
                return reply(needReplies.notFound(id));
            if (d.sameOwner)
                return reply(needReplies.sameOwner(needCode(need.id), String(d.ownerName)));
            return reply(needReplies.badState(need, String(d.ownerName ?? need.ownerCode)));
        }
    }
}
const dealerOnly = (h) => async (ctx, turn) => {
    if (ctx.identity.kind !== 'dealer')
        return reply('这是经销商使用的功能。客户经理可发“认领 N1024”“N1024 已解决 …”“查 D0012”。');
    return h(ctx, turn);
};
// Identity comes from the channel: the engine already turns am.* from dealers into unknown; this is the second lock.
const managerOnly = (h) => async (ctx, turn) => {
    if (ctx.identity.kind !== 'manager')
        return reply(commonReplies.unknown('dealer'));
    return h(ctx, turn);
};
/** Need ids as typed ("n1024") normalised to N1024; null when missing or malformed. */
function needIdOf(slot) {
    const id = parseNeedCode(slot);
    return id === null ? null : { id, code: needCode(id) };
}
/** A rating request is answered hours later, not within a conversation turn's 30 minutes. */
export const RATING_WAIT_MS = 72 * 3_600_000;
/**
 * The resolved need still waiting for this dealer's rating, if any: a "5" or "非常满意" within 72 h of the resolution
 * is read as its rating. Derived from the need itself, so no other actor has to write the dealer's conversation.
 */
export async function pendingRating(db, dealerCode, now) {
    const row = await db
        .selectFrom('needs')
        .select('id')
        .where('dealer_code', '=', dealerCode)
        // Resolved means "awaiting its rating" (a rating closes or reopens it); a re-resolved need is asked again.
        .where('status', '=', 'resolved')
        .where('resolved_at', '>', new Date(now.getTime() - RATING_WAIT_MS))
        .orderBy('resolved_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    return row?.id;
}
const submit = dealerOnly(async (ctx, turn) => {
    // A bare "我要提需求" carries nothing to act on: ask for the details first.
    const text = ctx.text.trim();
    if (text.replace(/[\s，,。.!！?？]/g, '').length < 4)
        return reply(needReplies.askDetail);
    try {
        const { need } = await needsService(ctx).submit({
            dealerCode: ctx.identity.dealerCode,
            category: turn.slots.category,
            text,
            now: ctx.now,
        });
        return reply(needReplies.submitted(need));
    }
    catch (e) {
        return failure(e);
    }
});
/** "N1024 类别改为售后" from a manager: reads as a need (or status) request, but it changes the category. */
async function managerNeedWords(ctx, slot) {
    const ref = needIdOf(slot ?? /N\s*\d{2,}/i.exec(ctx.text)?.[0].replace(/\s/g, ''));
    if (!ref)
        return reply(needReplies.needIdMissing('N1024 进度'));
    const service = needsService(ctx);
    try {
        const category = categoryFromText(ctx.text);
        if (category) {
            const need = await service.recategorize({
                managerCode: ctx.identity.managerCode,
                needId: ref.id,
                category,
                now: ctx.now,
            });
            return reply(needReplies.recategorized(need));
        }
        const { need, dealer, events } = await service.detailForManager({
            managerCode: ctx.identity.managerCode,
            needId: ref.id,
        });
        return reply(needReplies.managerDetail(need, dealer.name, events));
    }
    catch (e) {
        return failure(e, ref.code);
    }
}
export const needsHandlers = {
    'need.submit': async (ctx, turn) => {
        if (ctx.identity.kind === 'manager')
            return managerNeedWords(ctx, undefined);
        return submit(ctx, turn);
    },
    'need.status': async (ctx, turn) => {
        if (ctx.identity.kind === 'manager')
            return managerNeedWords(ctx, turn.slots.need_id);
        const ref = needIdOf(turn.slots.need_id);
        try {
            const needs = await needsService(ctx).statusForDealer({ dealerCode: ctx.identity.dealerCode, needId: ref?.id });
            if (ref)
                return reply(needReplies.statusOne(needs[0]));
            return reply(needs.length ? needReplies.statusList(needs) : needReplies.noNeeds);
        }
        catch (e) {
            return failure(e, ref?.code ?? turn.slots.need_id);
        }
    },
    'need.rate': dealerOnly(async (ctx, turn) => {
        const needId = ctx.state.awaiting === 'need_rating' ? ctx.state.needId : undefined;
        if (!needId)
            return reply(needReplies.noRatingPending);
        const rating = turn.slots.rating;
        if (rating === undefined)
            return reply(needReplies.ratingOutOfRange);
        try {
            const { need, reopened } = await needsService(ctx).rate({
                dealerCode: ctx.identity.dealerCode,
                needId,
                rating,
                comment: turn.slots.comment,
                now: ctx.now,
            });
            return { ...reply(reopened ? needReplies.reopened(need, rating) : needReplies.rated(need, rating)), state: {} };
        }
        catch (e) {
            if (e instanceof NeedError && e.code === 'NEED.BAD_RATING')
                return failure(e);
            // The need moved on (rated elsewhere, reopened by HQ): stop waiting for a rating.
            return { ...failure(e, needCode(needId)), state: {} };
        }
    }),
    'am.need.claim': managerOnly(async (ctx, turn) => {
        const ref = needIdOf(turn.slots.need_id);
        if (!ref)
            return reply(needReplies.needIdMissing('认领 N1024'));
        try {
            const r = await needsService(ctx).claim({
                managerCode: ctx.identity.managerCode,
                needId: ref.id,
                now: ctx.now,
                category: categoryFromText(ctx.text),
            });
            if (r.already)
                return reply(needReplies.alreadyClaimed(r.need));
            const dealer = await ctx.db
                .selectFrom('dealers')
                .select('name')
                .where('code', '=', r.need.dealerCode)
                .executeTakeFirst();
            return reply(needReplies.claimed(r.need, dealer?.name ?? r.need.dealerCode));
        }
        catch (e) {
            return failure(e, ref.code);
        }
    }),
    'am.need.resolve': managerOnly(async (ctx, turn) => {
        const ref = needIdOf(turn.slots.need_id);
        if (!ref)
            return reply(needReplies.needIdMissing('N1024 已解决 安排了12月3日培训'));
        try {
            const { need } = await needsService(ctx).resolve({
                managerCode: ctx.identity.managerCode,
                needId: ref.id,
                note: turn.slots.note,
                now: ctx.now,
            });
            const dealer = await ctx.db
                .selectFrom('dealers')
                .select('name')
                .where('code', '=', need.dealerCode)
                .executeTakeFirst();
            return reply(needReplies.resolved(need, dealer?.name ?? need.dealerCode));
        }
        catch (e) {
            return failure(e, ref.code);
        }
    }),
    'am.need.transfer': managerOnly(async (ctx, turn) => {
        const ref = needIdOf(turn.slots.need_id);
        if (!ref)
            return reply(needReplies.needIdMissing('转交 N1024 给 M007'));
        if (!turn.slots.manager_code)
            return reply(needReplies.transferTargetMissing(ref.code));
        try {
            const { need, to } = await needsService(ctx).transfer({
                managerCode: ctx.identity.managerCode,
                needId: ref.id,
                toCode: turn.slots.manager_code,
                now: ctx.now,
            });
            return reply(needReplies.transferred(need, to.name, to.code));
        }
        catch (e) {
            return failure(e, ref.code);
        }
    }),
    'am.dealer.lookup': managerOnly(async (ctx, turn) => {
        const code = turn.slots.dealer_code?.toUpperCase();
        if (!code)
            return reply(needReplies.dealerCodeMissing);
        try {
            const lookup = await needsService(ctx).lookupDealer({
                managerCode: ctx.identity.managerCode,
                dealerCode: code,
                now: ctx.now,
            });
            return reply(needReplies.dealerLookup(lookup));
        }
        catch (e) {
            return failure(e);
        }
    }),
};
/**
 * An image from a dealer within 30 minutes of submitting is attached to their latest open need (called by the
 * dialog engine for non-text messages). Null when it does not apply, so the engine answers as before.
 */
export async function attachImageToNeed(input) {
    const { identity, message, db, notifier, now } = input;
    if (message.msg_type !== 'image' || identity.kind !== 'dealer')
        return null;
    const p = message.payload ?? {};
    const str = (...keys) => keys.map((k) => p[k]).find((v) => typeof v === 'string' && v.length > 0);
    const mediaId = str('MediaId', 'media_id', 'mediaId');
    const url = str('PicUrl', 'pic_url', 'url');
    const need = await needsService({ db, notifier }).attachImage({
        dealerCode: identity.dealerCode,
        attachment: {
            kind: 'image',
            ref: `inbound:${message.id}`,
            ...(mediaId ? { mediaId } : {}),
            ...(url ? { url } : {}),
        },
        now,
    });
    return need ? [{ body: needReplies.imageAttached(need) }] : null;
}
//# sourceMappingURL=needs.handler.js.map