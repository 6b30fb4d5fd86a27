import { currentLadderFor, ladderPosition, type LadderPosition, qualifyingAmount } from '../policies/index.js';
import type { Notifier } from '../common/notifier.port.js';
import { shanghaiDate, shanghaiMidnight } from '../common/time.js';
import { NEED_LIST_LIMIT, type NeedList, type NeedListFilter, needList } from './need-list.js';
import { NeedError } from './needs.errors.js';
import {
  type DealerRef,
  isOpenStatus,
  type ManagerRef,
  managesDealer,
  NEED_CATEGORIES,
  type Need,
  type NeedAttachment,
  type NeedCategory,
  type NeedEvent,
  needCode,
  type OrderSummary,
} from './needs.types.js';
import type { DealerProfile, FiredCheckpoint, NeedNotices, NeedStore } from './ports.js';
import { DEFAULT_SLA, deadlinesFor, reopenedResolutionDue, type SlaTable } from './sla.js';

/** An image sent this soon after submitting belongs to the dealer's latest open need. */
export const ATTACH_WINDOW_MS = 30 * 60_000;
/** A rating request is answered hours later, not within a conversation turn's 30 minutes. */
export const RATING_WAIT_MS = 72 * 3_600_000;
/**
 * What `pendingRating` asks the store (`NeedStore.awaitingRating`), for a reader that fetches it together with
 * something else (the conversation's state at the start of a turn, core/conversation `ConversationStore.loadTurn`).
 *
 * @example
 * ratingLookup('D0012', now); // { dealerCode: 'D0012', resolvedAfter: now − 72 h }
 */
export function ratingLookup(dealerCode: string, now: Date): { dealerCode: string; resolvedAfter: Date } {
  return { dealerCode, resolvedAfter: new Date(now.getTime() - RATING_WAIT_MS) };
}

/** Ratings at or below this reopen the need. */
export const REOPEN_AT_OR_BELOW = 2;

export interface NeedsServiceDeps {
  store: NeedStore;
  notifier: Notifier;
  notices: NeedNotices;
  sla?: SlaTable;
}

export interface DealerLookup {
  profile: DealerProfile;
  activeNeeds: Need[];
  orders: OrderSummary[];
  rebate: {
    policyCode: string;
    policyName: string;
    period: { start: string; end: string };
    amountFen: number;
    position: LadderPosition;
  } | null;
}

export interface SlaRunResult {
  recorded: number;
  warned: number;
  escalated: number;
}

const isCategory = (c: string | undefined): c is NeedCategory => NEED_CATEGORIES.includes(c as NeedCategory);

/**
 * Needs with tier SLAs: intake, manager claim/resolve/transfer, the SLA clock, ratings that close or reopen.
 * Every change and the messages it causes go through the same store and notifier, i.e. the same transaction.
 */
export class NeedsService {
  private readonly sla: SlaTable;

  constructor(private readonly deps: NeedsServiceDeps) {
    this.sla = deps.sla ?? DEFAULT_SLA;
  }

  async submit(input: {
    dealerCode: string;
    category?: string;
    text: string;
    now: Date;
    /** A dispute of a statement ('D0012:2026-11'): kept with the need and shown to the manager. */
    statementRef?: string;
  }): Promise<{ need: Need; dealer: DealerRef }> {
    const { store, notifier, notices } = this.deps;
    const text = input.text.trim();
    if (!text) throw new NeedError('NEED.EMPTY_TEXT', 'a need needs words');
    const dealer = await store.dealer(input.dealerCode);
    if (!dealer) throw new NeedError('NEED.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const due = deadlinesFor(dealer.tier, input.now, this.sla);
    const need = await store.insert({
      dealerCode: dealer.code,
      category: isCategory(input.category) ? input.category : 'other',
      text,
      ownerCode: dealer.managerCode,
      tier: dealer.tier,
      ...due,
      createdAt: input.now,
      statementRef: input.statementRef ?? null,
    });
    await store.addEvent({ needId: need.id, kind: 'submitted', actor: dealer.code, body: text, at: input.now });
    const orders = await store.recentOrders(dealer.code, 3);
    await notifier.toManagerChat(need.ownerCode, notices.managerAlert({ need, dealer, orders }), {
      dedupeKey: `need.alert:${need.id}`,
      kind: 'need.alert',
      format: 'markdown',
    });
    await store.addEvent({ needId: need.id, kind: 'alerted', actor: 'system', body: need.ownerCode, at: input.now });
    return { need, dealer };
  }

  /** Claiming is the first response: the dealer is told who is on it. */
  async claim(input: {
    managerCode: string;
    needId: number;
    now: Date;
    category?: string;
  }): Promise<{ need: Need; already: boolean }> {
    const { manager, need, dealer } = await this.managed(input.managerCode, input.needId);
    if (need.status === 'claimed' && need.ownerCode === manager.code) return { need, already: true };
    if (need.status !== 'open') throw await this.badState(need);
    const category = isCategory(input.category) ? input.category : undefined;
    const updated = await this.deps.store.update(
      need.id,
      {
        status: 'claimed',
        ownerCode: manager.code,
        firstResponseAt: need.firstResponseAt ?? input.now,
        ...(category ? { category } : {}),
      },
      ['open'],
    );
    if (!updated) throw await this.badState(need);
    await this.deps.store.addEvent({ needId: need.id, kind: 'claimed', actor: manager.code, at: input.now });
    if (category && category !== need.category) await this.categoryEvent(need, category, manager.code, input.now);
    await this.deps.notifier.toDealer(dealer.code, this.deps.notices.dealerClaimed({ need: updated, manager }), {
      dedupeKey: `need.claimed:${need.id}`,
      kind: 'need.claimed',
    });
    return { need: updated, already: false };
  }

  /** Resolving sends the dealer the resolution and a 1–5 rating request; the caller sets their conversation state. */
  async resolve(input: {
    managerCode: string;
    needId: number;
    note?: string;
    now: Date;
  }): Promise<{ need: Need; manager: ManagerRef }> {
    const { manager, need, dealer } = await this.managed(input.managerCode, input.needId);
    if (!isOpenStatus(need.status)) throw await this.badState(need);
    const note = input.note?.trim() || null;
    const updated = await this.deps.store.update(
      need.id,
      {
        status: 'resolved',
        resolvedAt: input.now,
        firstResponseAt: need.firstResponseAt ?? input.now,
        resolution: note,
      },
      ['open', 'claimed'],
    );
    if (!updated) throw await this.badState(need);
    await this.deps.store.addEvent({
      needId: need.id,
      kind: 'resolved',
      actor: manager.code,
      body: note,
      at: input.now,
    });
    await this.deps.notifier.toDealer(dealer.code, this.deps.notices.dealerResolved({ need: updated, manager }), {
      dedupeKey: `need.resolved:${need.id}:${input.now.getTime()}`,
      kind: 'need.resolved',
    });
    return { need: updated, manager };
  }

  async transfer(input: {
    managerCode: string;
    needId: number;
    toCode: string;
    now: Date;
  }): Promise<{ need: Need; to: ManagerRef }> {
    const { store, notifier, notices } = this.deps;
    const { manager, need, dealer } = await this.managed(input.managerCode, input.needId);
    const to = await store.manager(input.toCode.toUpperCase());
    if (!to) throw new NeedError('NEED.MANAGER_NOT_FOUND', 'unknown manager', { managerCode: input.toCode });
    if (!isOpenStatus(need.status)) throw await this.badState(need);
    if (to.code === need.ownerCode)
      throw new NeedError('NEED.BAD_STATE', 'already theirs', { need, ownerName: to.name, sameOwner: true });
    const updated = await store.update(need.id, { ownerCode: to.code }, ['open', 'claimed']);
    if (!updated) throw await this.badState(need);
    await store.addEvent({
      needId: need.id,
      kind: 'transferred',
      actor: manager.code,
      body: `${need.ownerCode}→${to.code}`,
      at: input.now,
    });
    const orders = await store.recentOrders(dealer.code, 3);
    await notifier.toManagerChat(to.code, notices.transferred({ need: updated, dealer, from: manager, orders }), {
      dedupeKey: `need.transfer:${need.id}:${to.code}:${input.now.getTime()}`,
      kind: 'need.transfer',
      format: 'markdown',
    });
    return { need: updated, to };
  }

  async recategorize(input: { managerCode: string; needId: number; category: string; now: Date }): Promise<Need> {
    const { manager, need } = await this.managed(input.managerCode, input.needId);
    if (!isCategory(input.category)) throw new NeedError('NEED.BAD_STATE', 'unknown category', { need });
    if (input.category === need.category) return need;
    const updated = await this.deps.store.update(need.id, { category: input.category }, [
      'open',
      'claimed',
      'resolved',
      'closed',
    ]);
    await this.categoryEvent(need, input.category, manager.code, input.now);
    return updated ?? need;
  }

  /** The dealer withdraws their own open need ("N1007不用了 撤回吧"): it closes unrated and its owner is told. */
  async withdraw(input: { dealerCode: string; needId: number; now: Date }): Promise<Need> {
    const { store, notifier, notices } = this.deps;
    const need = await store.getForUpdate(input.needId);
    if (!need || need.dealerCode !== input.dealerCode)
      throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId: input.needId });
    if (!isOpenStatus(need.status)) throw await this.badState(need);
    const updated = await store.update(need.id, { status: 'closed', closedAt: input.now }, ['open', 'claimed']);
    if (!updated) throw await this.badState(need);
    await store.addEvent({ needId: need.id, kind: 'withdrawn', actor: need.dealerCode, body: null, at: input.now });
    const dealer = await store.dealer(need.dealerCode);
    if (dealer) {
      await notifier.toManagerChat(updated.ownerCode, notices.withdrawn({ need: updated, dealer }), {
        kind: 'need.withdrawn',
        format: 'markdown',
        dedupeKey: `need.withdrawn:${need.id}`,
      });
    }
    return updated;
  }

  /** A rating closes the need; a low one reopens it with a new resolution deadline and alerts the regional manager. */
  async rate(input: {
    dealerCode: string;
    needId: number;
    rating: number;
    comment?: string;
    now: Date;
  }): Promise<{ need: Need; reopened: boolean }> {
    const { store, notifier, notices } = this.deps;
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
      throw new NeedError('NEED.BAD_RATING', 'rating must be 1-5', { rating: input.rating });
    }
    const need = await store.getForUpdate(input.needId);
    if (!need || need.dealerCode !== input.dealerCode)
      throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId: input.needId });
    if (need.status !== 'resolved') throw await this.badState(need);
    const comment = input.comment?.trim() || null;
    const reopen = input.rating <= REOPEN_AT_OR_BELOW;
    const updated = await store.update(
      need.id,
      reopen
        ? {
            status: need.firstResponseAt ? 'claimed' : 'open',
            rating: input.rating,
            ratingComment: comment,
            resolvedAt: null,
            resolutionDue: reopenedResolutionDue(need.tier, input.now, this.sla),
          }
        : { status: 'closed', rating: input.rating, ratingComment: comment, closedAt: input.now },
      ['resolved'],
    );
    if (!updated) throw await this.badState(need);
    await store.addEvent({
      needId: need.id,
      kind: 'rated',
      actor: need.dealerCode,
      body: `${input.rating}${comment ? ` ${comment}` : ''}`,
      at: input.now,
    });
    if (reopen) {
      await store.addEvent({
        needId: need.id,
        kind: 'reopened',
        actor: 'system',
        body: String(input.rating),
        at: input.now,
      });
      const dealer = await store.dealer(need.dealerCode);
      if (dealer) {
        const body = notices.lowRating({ need: updated, dealer, rating: input.rating, comment });
        const opts = { kind: 'need.reopened', format: 'markdown' as const };
        const stamp = input.now.getTime();
        await notifier.toManagerChat(dealer.regionalCode, body, {
          ...opts,
          dedupeKey: `need.reopened:${need.id}:${stamp}:regional`,
        });
        if (updated.ownerCode !== dealer.regionalCode) {
          await notifier.toManagerChat(updated.ownerCode, body, {
            ...opts,
            dedupeKey: `need.reopened:${need.id}:${stamp}:owner`,
          });
        }
      }
    }
    return { need: updated, reopened: reopen };
  }

  /** The dealer's needs, or one of them; another dealer's need is "not found" exactly like a missing one. */
  async statusForDealer(input: { dealerCode: string; needId?: number }): Promise<Need[]> {
    if (input.needId === undefined) return this.deps.store.activeOfDealer(input.dealerCode, 10);
    const need = await this.deps.store.get(input.needId);
    if (!need || need.dealerCode !== input.dealerCode)
      throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId: input.needId });
    return [need];
  }

  /**
   * The resolved need still waiting for this dealer's rating, if any: a "5" or "非常满意" within 72 h of the
   * resolution is read as its rating. Derived from the need itself, so no other actor writes the conversation.
   * Resolved means "awaiting its rating" (a rating closes or reopens it); a re-resolved need is asked again.
   */
  async pendingRating(dealerCode: string, now: Date): Promise<number | undefined> {
    const { resolvedAfter } = ratingLookup(dealerCode, now);
    return this.deps.store.awaitingRating(dealerCode, resolvedAfter);
  }

  /** A need and its timeline, for a manager who may act on it. */
  async detailForManager(input: {
    managerCode: string;
    needId: number;
  }): Promise<{ need: Need; dealer: DealerRef; events: NeedEvent[] }> {
    const { need, dealer } = await this.managed(input.managerCode, input.needId, false);
    return { need, dealer, events: await this.deps.store.events(need.id) };
  }

  /** Stores an image as a reference on the dealer's latest open need submitted within the last 30 minutes. */
  async attachImage(input: {
    dealerCode: string;
    attachment: Omit<NeedAttachment, 'at'>;
    now: Date;
  }): Promise<Need | null> {
    const { store } = this.deps;
    const need = await store.latestOpenSince(input.dealerCode, new Date(input.now.getTime() - ATTACH_WINDOW_MS));
    if (!need) return null;
    await store.addAttachment(need.id, { ...input.attachment, at: input.now.toISOString() });
    await store.addEvent({
      needId: need.id,
      kind: 'attachment',
      actor: input.dealerCode,
      body: input.attachment.ref,
      at: input.now,
    });
    return need;
  }

  /**
   * The SLA clock: records every checkpoint reached (50%, 80%, deadline) once, warns the owner and escalates
   * breaches to the regional manager. When several checkpoints of one clock are reached at once (the job was
   * down), only the highest is announced.
   */
  async checkSla(now: Date): Promise<SlaRunResult> {
    const fired = await this.deps.store.recordDueCheckpoints(now);
    const highest = new Map<string, FiredCheckpoint>();
    for (const f of fired) {
      const k = `${f.need.id}:${f.clock}`;
      const seen = highest.get(k);
      if (!seen || f.stage > seen.stage) highest.set(k, f);
    }
    let warned = 0;
    let escalated = 0;
    for (const f of highest.values()) {
      const key = `need.sla:${f.clock}:${f.stage}:${f.need.id}:${f.need.resolutionDue.getTime()}`;
      if (f.stage === 100) {
        await this.deps.notifier.toManagerChat(f.regionalCode, this.deps.notices.escalation(f), {
          dedupeKey: key,
          kind: 'need.escalation',
          format: 'markdown',
        });
        escalated++;
      } else {
        await this.deps.notifier.toManagerChat(f.need.ownerCode, this.deps.notices.warning(f), {
          dedupeKey: key,
          kind: 'need.warning',
          format: 'markdown',
        });
        warned++;
      }
    }
    return { recorded: fired.length, warned, escalated };
  }

  /** A manager's view of one of their dealers: profile, tier reasons, needs, orders, rebate position. */
  async lookupDealer(input: { managerCode: string; dealerCode: string; now: Date }): Promise<DealerLookup> {
    const { store } = this.deps;
    const manager = await store.manager(input.managerCode);
    if (!manager) throw new NeedError('NEED.MANAGER_NOT_FOUND', 'not a manager', { managerCode: input.managerCode });
    const profile = await store.dealerProfile(input.dealerCode.toUpperCase());
    // Another manager's dealer reads as unknown: the answer must not confirm that the code exists.
    if (!profile || !managesDealer(manager, profile.dealer)) {
      throw new NeedError('NEED.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode.toUpperCase() });
    }
    // Sequential on purpose: the store may be a single-connection transaction.
    const activeNeeds = await store.activeOfDealer(profile.dealer.code, 5);
    const orders = await store.recentOrders(profile.dealer.code, 5);
    // The ladder the dealer's orders count toward today: the same rule as their drafts and the policy chat.
    const policy = currentLadderFor(profile.dealer, shanghaiDate(input.now), await store.policyRecords());
    let rebate: DealerLookup['rebate'] = null;
    if (policy) {
      const lines = await store.orderLinesSince(profile.dealer.code, shanghaiMidnight(policy.period.start));
      const q = qualifyingAmount(lines, { period: policy.period, excludeCategories: policy.excludeCategories });
      rebate = {
        policyCode: policy.code,
        policyName: policy.name,
        period: policy.period,
        amountFen: q.amountFen,
        position: ladderPosition(policy, q.amountFen),
      };
    }
    return { profile, activeNeeds, orders, rebate };
  }

  /**
   * The manager's open needs (`am.need.list`: "我手上还有哪些没处理", "今天新来的", "超时的") with the time left on the
   * running SLA clock, overdue first.
   */
  async listForManager(input: {
    managerCode: string;
    filter?: NeedListFilter;
    /** Only this dealer's needs ("D0002的需求谁在跟"); a dealer outside the manager's scope is NEED.DEALER_NOT_FOUND. */
    dealerCode?: string;
    now: Date;
    limit?: number;
  }): Promise<NeedList & { manager: ManagerRef }> {
    const manager = await this.deps.store.manager(input.managerCode);
    if (!manager) throw new NeedError('NEED.MANAGER_NOT_FOUND', 'not a manager', { managerCode: input.managerCode });
    if (input.dealerCode) {
      // Another manager's dealer reads as unknown, not as a dealer with nothing open.
      const dealer = await this.deps.store.dealer(input.dealerCode);
      if (!dealer || !managesDealer(manager, dealer)) {
        throw new NeedError('NEED.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
      }
    }
    const all = await this.deps.store.openNeedsForManager(manager);
    const rows = input.dealerCode ? all.filter((r) => r.need.dealerCode === input.dealerCode) : all;
    return { manager, ...needList(rows, input.filter ?? 'all', input.now, input.limit ?? NEED_LIST_LIMIT) };
  }

  /** The manager, the need (locked when it will change) and its dealer, if the manager may act on it. */
  private async managed(
    managerCode: string,
    needId: number,
    lock = true,
  ): Promise<{ manager: ManagerRef; need: Need; dealer: DealerRef }> {
    const { store } = this.deps;
    const manager = await store.manager(managerCode);
    if (!manager) throw new NeedError('NEED.MANAGER_NOT_FOUND', 'not a manager', { managerCode });
    const need = lock ? await store.getForUpdate(needId) : await store.get(needId);
    if (!need) throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId });
    const dealer = await store.dealer(need.dealerCode);
    if (!dealer) throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId });
    // Outside the manager's line a need reads exactly as a missing one: the answer must not confirm it exists.
    if (need.ownerCode !== manager.code && !managesDealer(manager, dealer)) {
      throw new NeedError('NEED.NOT_FOUND', 'no such need', { needId });
    }
    return { manager, need, dealer };
  }

  private async badState(need: Need): Promise<NeedError> {
    const owner = await this.deps.store.manager(need.ownerCode);
    return new NeedError('NEED.BAD_STATE', `need ${needCode(need.id)} is ${need.status}`, {
      need,
      ownerName: owner?.name ?? need.ownerCode,
    });
  }

  private async categoryEvent(need: Need, category: string, actor: string, at: Date): Promise<void> {
    await this.deps.store.addEvent({
      needId: need.id,
      kind: 'recategorized',
      actor,
      body: `${need.category}→${category}`,
      at,
    });
  }
}
