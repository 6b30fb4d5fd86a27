import { decideMatch } from '../../core/accounts/directory.service.js';
import { cleanQuery } from '../../core/accounts/name-match.js';
import { extractPeriod } from '../nlu/slots.extract.js';
import { normalize } from '../nlu/normalize.js';
import { statementPeriod } from './words.js';
import { statementPeriod as periodOfStatement } from '../../core/accounts/statement.rules.js';
import { shanghaiDate } from '../../core/common/time.js';
import { NeedError } from '../../core/needs/needs.errors.js';
import { type Need, type NeedCategory, needCode, parseNeedCode } from '../../core/needs/needs.types.js';
import {
  type DealerIdentity,
  dealerOnly,
  eachRole,
  type HandlerRegistry,
  type ManagerIdentity,
  type MediaHandler,
  managerOnly,
  type ParsedTurn,
  reply,
  type TurnContext,
  type TurnResult,
} from '../dialog/turn.js';
import { withoutPick, withPick } from '../dialog/picks.js';
import { loadState, type PendingImage, saveState } from '../dialog/state.js';
import { managerReplies } from '../replies/manager.replies.js';
import { trainingReplies } from '../replies/training.replies.js';
import { courseNamed, enrol } from './enrolment.js';
import { needReplies } from '../replies/needs.replies.js';

// A manager may set the category in words: "认领 N1024 类别 培训", "N1024 改为售后".
const CATEGORY_WORDS: Array<[RegExp, NeedCategory]> = [
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

function categoryFromText(text: string): NeedCategory | undefined {
  const m = CATEGORY_CHANGE.exec(text);
  if (!m) return undefined;
  return CATEGORY_WORDS.find(([re]) => re.test(m[1]!))?.[1];
}

/** Coded needs errors as Chinese replies; anything else is a real failure and propagates. */
function failure(e: unknown, needId?: string): TurnResult {
  if (!(e instanceof NeedError)) throw e;
  const d = e.details;
  const id = needId ?? '';
  switch (e.code) {
    case 'NEED.NOT_FOUND':
      return reply(needReplies.notFound(id));
    case 'NEED.MANAGER_NOT_FOUND':
      return reply(needReplies.managerNotFound(String(d.managerCode ?? '')));
    case 'NEED.DEALER_NOT_FOUND':
      return reply(needReplies.dealerNotFound(String(d.dealerCode ?? '')));
    case 'NEED.EMPTY_TEXT':
      return reply(needReplies.askDetail);
    case 'NEED.BAD_RATING':
      return reply(needReplies.ratingOutOfRange);
    case 'NEED.BAD_STATE': {
      const need = d.need as Parameters<typeof needReplies.badState>[0] | undefined;
      if (!need) return reply(needReplies.notFound(id));
      if (d.sameOwner) return reply(needReplies.sameOwner(needCode(need.id), String(d.ownerName)));
      return reply(needReplies.badState(need, String(d.ownerName ?? need.ownerCode)));
    }
  }
}

/** Need ids as typed ("n1024") normalised to N1024; null when missing or malformed. */
function needIdOf(slot: string | undefined): { id: number; code: string } | null {
  const id = parseNeedCode(slot);
  return id === null ? null : { id, code: needCode(id) };
}

/**
 * Every need a manager's request names ("N1003和N1004都我来"), each once, in order. From the slots, not the text: a
 * message of two requests ("N1001 搞定 N1002 我接了") gives each its own needs.
 */
function needIdsOf(slots: ParsedTurn['slots']): Array<{ id: number; code: string }> {
  const refs = [slots.need_id, ...(slots.need_ids ?? [])].map(needIdOf).filter((r) => r !== null);
  return refs.filter((r, i) => refs.findIndex((o) => o.id === r.id) === i);
}

/** A claim or resolve of each need named, one answer line per need (each checked on its own). */
async function eachNeed(
  ctx: TurnContext<ManagerIdentity>,
  turn: ParsedTurn,
  example: string,
  act: (ref: { id: number; code: string }, index: number) => Promise<TurnResult>,
): Promise<TurnResult> {
  const refs = needIdsOf(turn.slots);
  if (refs.length === 0) return reply(needReplies.needIdMissing(example));
  if (refs.length === 1) return act(refs[0]!, 0);
  const lines: string[] = [];
  for (const [i, ref] of refs.entries()) lines.push(...(await act(ref, i)).replies.map((r) => r.body));
  return reply(lines.join('\n'));
}

/** A payment need that names a statement ("对账单多扣了两千", "10月账单不对") is linked to that statement. */
function disputedStatement(ctx: TurnContext<DealerIdentity>, turn: ParsedTurn): string | undefined {
  if (turn.slots.category !== 'payment' || !/对账|账单/.test(ctx.text)) return undefined;
  try {
    // need.submit carries no period slot: the month named in the words ("10月的对账单"), else the running month.
    const spec = extractPeriod(normalize(ctx.text), ctx.now) ?? statementPeriod(turn, ctx.text, ctx.now);
    const period = periodOfStatement(spec, shanghaiDate(ctx.now));
    return `${ctx.identity.dealerCode}:${period.label}`;
  } catch {
    return undefined;
  }
}

/** A dealer giving up their own need ("N1007不用了 撤回吧"). */
const WITHDRAW_NEED = /撤回|撤销|撤掉|不用了|不需要了|用不着了|取消(这个|这条)?需求|不用(处理|办|跟)了/;

/** Words that ask for a seat rather than for help. */
const ENROL_ASKED = /报(?![修价销账])|参加|想去|想上|我也去/;

const submit = async (ctx: TurnContext<DealerIdentity>, turn: ParsedTurn): Promise<TurnResult> => {
  // A bare "我要提需求" carries nothing to act on: ask for the details first.
  const text = (turn.slots.need_text ?? ctx.text).trim();
  if (text.replace(/[\s，,。.!！?？]/g, '').length < 4) return reply(needReplies.askDetail);
  // Asking to join a session by its title is enrolling, not a need ("不对 我要报的是工程项目投标那个").
  if (ENROL_ASKED.test(ctx.text) && (!turn.slots.category || ['other', 'training'].includes(turn.slots.category))) {
    const course = await courseNamed(ctx, ctx.text);
    if (course) return enrol(ctx, course);
  }
  try {
    const { need } = await ctx.services.needs.submit({
      dealerCode: ctx.identity.dealerCode,
      category: turn.slots.category,
      text,
      now: ctx.now,
      statementRef: disputedStatement(ctx, turn),
    });
    // The picture sent just before ("这张图是关于什么的？") belongs to this need.
    const image = ctx.state.image;
    if (image) {
      await ctx.services.needs.attachImage({
        dealerCode: ctx.identity.dealerCode,
        attachment: { kind: 'image', ...image },
        now: ctx.now,
      });
    }
    const submitted = image ? needReplies.submittedWithImage(need) : needReplies.submitted(need);
    // A training need is answered with the matching session HQ scheduled, when there is one.
    const offers =
      need.category === 'training'
        ? await ctx.services.training.offersForNeed(ctx.identity.dealerCode, text, ctx.now)
        : [];
    if (offers.length === 0) return reply(submitted);
    // "第一个" then enrols in the session offered (a pick list of the offers).
    const pick = { intent: 'training.enrol' as const, options: offers.map((s) => ({ course: s.title })) };
    return { ...reply(`${submitted}\n${trainingReplies.needOffers(offers)}`), state: withPick(ctx.state, pick) };
  } catch (e) {
    return failure(e);
  }
};

/** "N1024 类别改为售后" from a manager: reads as a need (or status) request, but it changes the category. */
async function managerNeedWords(ctx: TurnContext<ManagerIdentity>, slot: string | undefined): Promise<TurnResult> {
  const ref = needIdOf(slot ?? /N\s*\d{2,}/i.exec(ctx.text)?.[0].replace(/\s/g, ''));
  if (!ref) return reply(needReplies.needIdMissing(needReplies.examples.detail));
  const service = ctx.services.needs;
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
  } catch (e) {
    return failure(e, ref.code);
  }
}

async function lookupByCode(ctx: TurnContext<ManagerIdentity>, code: string): Promise<TurnResult> {
  try {
    const lookup = await ctx.services.needs.lookupDealer({
      managerCode: ctx.identity.managerCode,
      dealerCode: code,
      now: ctx.now,
    });
    return reply(needReplies.dealerLookup(lookup));
  } catch (e) {
    return failure(e);
  }
}

/**
 * "找下老王建材": the manager's own dealers by (part of) the name. One clear match → its profile; several → a
 * numbered list "第二个" picks from; none → say so. The model may read the intent without the name slot: the
 * search then cleans the message itself.
 */
async function lookupByName(ctx: TurnContext<ManagerIdentity>, name: string | undefined): Promise<TurnResult> {
  const words = cleanQuery(name ?? ctx.text);
  if (!words) return reply(managerReplies.dealerNameMissing);
  const hits = await ctx.services.dealerSearch.searchByName({ managerCode: ctx.identity.managerCode, text: words });
  const match = decideMatch(hits);
  if (match.kind === 'one') {
    return { ...(await lookupByCode(ctx, match.match.entry.code)), state: withoutPick(ctx.state) };
  }
  if (match.kind === 'none') return reply(managerReplies.dealerMatches(words, []));
  const pick = {
    intent: 'am.dealer.lookup' as const,
    options: match.matches.map((m) => ({ dealer_code: m.entry.code })),
  };
  return { ...reply(managerReplies.dealerMatches(words, match.matches)), state: withPick(ctx.state, pick) };
}

export const needsHandlers: HandlerRegistry = {
  'need.submit': eachRole(submit, (ctx) => managerNeedWords(ctx, undefined)),

  'need.status': eachRole(
    async (ctx, turn) => {
      const ref = needIdOf(turn.slots.need_id);
      try {
        if (ref && WITHDRAW_NEED.test(ctx.text)) {
          const need = await ctx.services.needs.withdraw({
            dealerCode: ctx.identity.dealerCode,
            needId: ref.id,
            now: ctx.now,
          });
          return reply(needReplies.withdrawnByDealer(need));
        }
        const needs = await ctx.services.needs.statusForDealer({
          dealerCode: ctx.identity.dealerCode,
          needId: ref?.id,
        });
        if (ref) return reply(needReplies.statusOne(needs[0]!));
        return reply(needs.length ? needReplies.statusList(needs) : needReplies.noNeeds);
      } catch (e) {
        return failure(e, ref?.code ?? turn.slots.need_id);
      }
    },
    (ctx, turn) => managerNeedWords(ctx, turn.slots.need_id),
  ),

  'need.rate': dealerOnly(needReplies.dealerOnly, async (ctx, turn) => {
    const pending = ctx.state.awaiting === 'need_rating' ? ctx.state.needId : undefined;
    // A rating that names a need is for that need, never for the one waiting ("N1003的评分改成4分").
    const named = needIdOf(turn.slots.need_id)?.id;
    const needId = named ?? pending;
    if (!needId) return reply(needReplies.noRatingPending);
    // Rating another need leaves the one waiting still waiting.
    const after = needId === pending ? { state: {} } : {};
    const rating = turn.slots.rating;
    if (rating === undefined) return reply(needReplies.ratingOutOfRange);
    try {
      const { need, reopened } = await ctx.services.needs.rate({
        dealerCode: ctx.identity.dealerCode,
        needId,
        rating,
        comment: turn.slots.comment,
        now: ctx.now,
      });
      return { ...reply(reopened ? needReplies.reopened(need, rating) : needReplies.rated(need, rating)), ...after };
    } catch (e) {
      if (e instanceof NeedError && e.code === 'NEED.BAD_RATING') return failure(e);
      // A rating once given stays (it closed or reopened the need): say what it was.
      const rated = e instanceof NeedError ? (e.details.need as Need | undefined) : undefined;
      if (rated?.rating != null) return { ...reply(needReplies.alreadyRated(rated)), ...after };
      // The need moved on (rated elsewhere, reopened by HQ): stop waiting for a rating.
      return { ...failure(e, needCode(needId)), ...after };
    }
  }),

  'am.need.claim': managerOnly((ctx, turn) =>
    eachNeed(ctx, turn, needReplies.examples.claim, async (ref) => {
      try {
        const r = await ctx.services.needs.claim({
          managerCode: ctx.identity.managerCode,
          needId: ref.id,
          now: ctx.now,
          category: categoryFromText(ctx.text),
        });
        if (r.already) return reply(needReplies.alreadyClaimed(r.need));
        const dealerName = await ctx.services.directory.dealerName(r.need.dealerCode);
        return reply(needReplies.claimed(r.need, dealerName ?? r.need.dealerCode));
      } catch (e) {
        return failure(e, ref.code);
      }
    }),
  ),

  'am.need.resolve': managerOnly((ctx, turn) =>
    eachNeed(ctx, turn, needReplies.examples.resolve, async (ref, i) => {
      try {
        const { need } = await ctx.services.needs.resolve({
          managerCode: ctx.identity.managerCode,
          needId: ref.id,
          note: turn.slots.need_notes?.[i] || turn.slots.note,
          now: ctx.now,
        });
        const dealerName = await ctx.services.directory.dealerName(need.dealerCode);
        return reply(needReplies.resolved(need, dealerName ?? need.dealerCode));
      } catch (e) {
        return failure(e, ref.code);
      }
    }),
  ),

  'am.need.transfer': managerOnly(async (ctx, turn) => {
    const ref = needIdOf(turn.slots.need_id);
    if (!ref) return reply(needReplies.needIdMissing(needReplies.examples.transfer));
    if (!turn.slots.manager_code) return reply(needReplies.transferTargetMissing(ref.code));
    try {
      const { need, to } = await ctx.services.needs.transfer({
        managerCode: ctx.identity.managerCode,
        needId: ref.id,
        toCode: turn.slots.manager_code,
        now: ctx.now,
      });
      return reply(needReplies.transferred(need, to.name, to.code));
    } catch (e) {
      return failure(e, ref.code);
    }
  }),

  'am.dealer.lookup': managerOnly(async (ctx, turn) => {
    const code = turn.slots.dealer_code?.toUpperCase();
    if (code) return { ...(await lookupByCode(ctx, code)), state: withoutPick(ctx.state) };
    return lookupByName(ctx, turn.slots.dealer_name);
  }),
};

/**
 * An image from a dealer within 30 minutes of submitting is attached to their latest open need (called by the
 * dialog engine for non-text messages). Without such a need the dealer is asked what it is about, and the image
 * waits one message in the conversation state: a need raised next carries it. Null for anyone else.
 */
export const attachImageToNeed: MediaHandler = async ({ services, identity, message, now }) => {
  if (message.msgType !== 'image' || identity.kind !== 'dealer') return null;
  const p = message.payload ?? {};
  const str = (...keys: string[]) =>
    keys.map((k) => p[k]).find((v): v is string => typeof v === 'string' && v.length > 0);
  const mediaId = str('MediaId', 'media_id', 'mediaId');
  const url = str('PicUrl', 'pic_url', 'url');
  const image: PendingImage = {
    ref: `inbound:${message.id}`,
    ...(mediaId ? { mediaId } : {}),
    ...(url ? { url } : {}),
  };
  const need = await services.needs.attachImage({
    dealerCode: identity.dealerCode,
    attachment: { kind: 'image', ...image },
    now,
  });
  if (need) return [{ body: needReplies.imageAttached(need) }];
  const state = await loadState(services.conversation, message.sender, now);
  await saveState(services.conversation, message.sender, { ...state, image }, now);
  return [{ body: needReplies.imageAsk }];
};
