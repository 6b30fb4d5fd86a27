import { pushNotBefore } from '../care/quiet-hours.js';
import { shanghaiDate } from '../common/time.js';
import { baselineWindow, campaignProblems, isOpen, liftPct, matchCampaigns, targets } from './campaign.rules.js';
import { CampaignError } from './campaigns.errors.js';
import type {
  Campaign,
  CampaignDealer,
  CampaignReport,
  CampaignWithCounts,
  EntryResult,
  NewCampaign,
} from './campaigns.types.js';
import type { CampaignPorts } from './ports.js';

/** What a dealer's "报名新品体验节" came to. Refusals are values: the chat answers each in its own words. */
export type JoinOutcome =
  | { kind: 'applied'; campaign: Campaign; seatsLeft: number }
  | { kind: 'already'; campaign: Campaign; status: 'applied' | 'approved' }
  | { kind: 'not_targeted'; campaign: Campaign }
  | { kind: 'full'; campaign: Campaign }
  /** Several open campaigns fit (or none was named and several are open to the dealer). */
  | { kind: 'pick'; campaigns: Campaign[] }
  /** The words name no open campaign; `open` are those the dealer may join. */
  | { kind: 'unknown'; words: string | undefined; open: Campaign[] }
  | { kind: 'none_open' };

/** What a manager's "批准 D0012 新品体验节" came to. */
export type ApproveOutcome =
  | { kind: 'approved'; campaign: Campaign; dealer: CampaignDealer }
  | { kind: 'already'; campaign: Campaign; dealer: CampaignDealer }
  | { kind: 'no_application'; dealer: CampaignDealer; words: string | undefined }
  | { kind: 'pick'; dealer: CampaignDealer; campaigns: Campaign[] }
  | { kind: 'full'; campaign: Campaign; dealer: CampaignDealer };

const KIND = { invite: 'campaign.invite', applied: 'campaign.applied', approved: 'campaign.approved' } as const;

/**
 * Joint campaigns: HQ creates them (admin API, CLI), targeted dealers are invited once, dealers apply by chat, their
 * account manager approves by chat, and at the end each approved dealer's sell-through in the window is recorded
 * against their own baseline (the window of the same length before it) and reported.
 */
export class CampaignService {
  constructor(private readonly p: CampaignPorts) {}

  /** Creates a campaign and invites its targeted dealers (in the caller's transaction). */
  async create(input: NewCampaign, now: Date): Promise<{ campaign: Campaign; invited: number }> {
    const c = { ...input, name: input.name.trim() };
    const problems = campaignProblems(c);
    if (problems.length) throw new CampaignError('CAMPAIGN.INVALID', problems.join('; '), { problems });
    const campaign = await this.p.store.insert(c);
    const invited = isOpen(campaign, shanghaiDate(now)) ? await this.invite(campaign, now) : 0;
    return { campaign, invited };
  }

  list(opts?: { openOn?: string }): Promise<CampaignWithCounts[]> {
    return this.p.store.list(opts);
  }

  /** Invites the targeted dealers of every open campaign not invited yet (the daily job; seeded campaigns too). */
  async inviteOpen(now: Date): Promise<{ campaigns: number; invited: number }> {
    const open = await this.p.store.list({ openOn: shanghaiDate(now) });
    let invited = 0;
    for (const c of open) invited += await this.invite(c, now);
    return { campaigns: open.length, invited };
  }

  /** One invitation per dealer and campaign, ever: the delivery log remembers it after the outbox row is pruned. */
  private async invite(c: Campaign, now: Date): Promise<number> {
    const dealers = await this.p.store.targetedDealers(c);
    if (!dealers.length) return 0;
    const sent = await this.p.deliveries.sentKeys(
      KIND.invite,
      dealers.map((d) => d.code),
      [c.code],
    );
    const fresh = dealers.filter((d) => !sent.get(d.code)?.has(c.code));
    let i = 0;
    for (const d of fresh) {
      await this.p.notifier.toDealer(d.code, this.p.texts.invitation(c, d), {
        kind: KIND.invite,
        dedupeKey: `${KIND.invite}:${c.code}:${d.code}`,
        notBefore: pushNotBefore(now, i++),
      });
    }
    await this.p.deliveries.record(
      fresh.map((d) => ({ kind: KIND.invite, subject: d.code, key: c.code })),
      now,
    );
    return fresh.length;
  }

  /** A dealer applies ("报名新品体验节"); the account manager is told how to approve. */
  async join(input: { dealerCode: string; words?: string; now: Date }): Promise<JoinOutcome> {
    const dealer = await this.p.store.dealer(input.dealerCode);
    if (!dealer)
      throw new CampaignError('CAMPAIGN.DEALER_NOT_FOUND', 'no such dealer', { dealerCode: input.dealerCode });
    const today = shanghaiDate(input.now);
    const open = await this.p.store.list({ openOn: today });
    if (!open.length) return { kind: 'none_open' };
    const mine = open.filter((c) => targets(c, dealer));
    // Named: look among all open campaigns, so a campaign meant for others is refused as such, not "unknown".
    const named = input.words ? matchCampaigns(input.words, open) : mine;
    if (!named.length) return { kind: 'unknown', words: input.words, open: mine };
    const entries = await this.p.store.entriesOf(dealer.code);
    const candidates = named.length > 1 ? named.filter((c) => targets(c, dealer)) : named;
    if (candidates.length !== 1) {
      return candidates.length
        ? { kind: 'pick', campaigns: candidates }
        : { kind: 'not_targeted', campaign: named[0]! };
    }
    const campaign = candidates[0]!;
    const entry = entries.find((e) => e.campaignCode === campaign.code);
    if (entry) return { kind: 'already', campaign, status: entry.status };
    if (!targets(campaign, dealer)) return { kind: 'not_targeted', campaign };
    const counts = await this.p.store.lockCounts(campaign.code);
    if (counts.applied + counts.approved >= campaign.seats) return { kind: 'full', campaign };
    if (!(await this.p.store.apply(campaign.code, dealer.code, input.now))) {
      return { kind: 'already', campaign, status: 'applied' };
    }
    const seatsLeft = campaign.seats - counts.applied - counts.approved - 1;
    await this.p.notifier.toManager(dealer.managerCode, this.p.texts.applied(campaign, dealer, seatsLeft), {
      kind: KIND.applied,
      dedupeKey: `${KIND.applied}:${campaign.code}:${dealer.code}`,
    });
    return { kind: 'applied', campaign, seatsLeft };
  }

  /** The manager approves a dealer's application ("批准 D0012 新品体验节"); the dealer is told. */
  async approve(input: {
    managerCode: string;
    dealerCode: string;
    words?: string;
    now: Date;
  }): Promise<ApproveOutcome> {
    if (!(await this.p.store.isManager(input.managerCode))) {
      throw new CampaignError('CAMPAIGN.MANAGER_NOT_FOUND', 'not a manager', { managerCode: input.managerCode });
    }
    const code = input.dealerCode.trim().toUpperCase();
    // Another manager's dealer is reported exactly like one that does not exist.
    const dealer = await this.p.store.dealerForManager(input.managerCode, code);
    if (!dealer) throw new CampaignError('CAMPAIGN.DEALER_NOT_FOUND', 'no such dealer in scope', { dealerCode: code });
    const entries = await this.p.store.entriesOf(dealer.code);
    if (!entries.length) return { kind: 'no_application', dealer, words: input.words };
    const campaigns = (await Promise.all(entries.map((e) => this.p.store.get(e.campaignCode)))).filter(
      (c): c is CampaignWithCounts => c !== null,
    );
    const today = shanghaiDate(input.now);
    const pending = campaigns.filter(
      (c) => isOpen(c, today) && entries.some((e) => e.campaignCode === c.code && e.status === 'applied'),
    );
    const pool = input.words ? matchCampaigns(input.words, campaigns) : pending;
    if (!pool.length) return { kind: 'no_application', dealer, words: input.words };
    const waiting = pool.filter((c) => pending.includes(c));
    if (!waiting.length) return { kind: 'already', campaign: pool[0]!, dealer };
    if (waiting.length > 1) return { kind: 'pick', dealer, campaigns: waiting };
    const campaign = waiting[0]!;
    const counts = await this.p.store.lockCounts(campaign.code);
    if (counts.approved >= campaign.seats) return { kind: 'full', campaign, dealer };
    if (!(await this.p.store.approve(campaign.code, dealer.code, input.managerCode, input.now))) {
      return { kind: 'already', campaign, dealer };
    }
    await this.p.notifier.toDealer(dealer.code, this.p.texts.approved(campaign, dealer), {
      kind: KIND.approved,
      dedupeKey: `${KIND.approved}:${campaign.code}:${dealer.code}`,
      notBefore: pushNotBefore(input.now),
    });
    return { kind: 'approved', campaign, dealer };
  }

  /**
   * Records the results of every campaign that ended before `now`'s day and has none yet: each approved dealer's
   * POS sell-through in the window and in the baseline window, told to the dealer and, per manager, to the manager.
   */
  async recordResults(now: Date): Promise<{ campaigns: number; dealers: number }> {
    const ended = await this.p.store.endedWithoutResults(shanghaiDate(now));
    let dealers = 0;
    for (const c of ended) {
      const approved = (await this.p.store.report(c.code)).filter((e) => e.status === 'approved');
      const base = baselineWindow(c);
      const byManager = new Map<string, Array<{ dealer: CampaignDealer; result: EntryResult }>>();
      let i = 0;
      for (const e of approved) {
        const dealer = await this.p.store.dealer(e.dealerCode);
        if (!dealer) continue;
        const [during, before] = await Promise.all([
          this.p.store.sellThrough(dealer.code, c.startsOn, c.endsOn),
          this.p.store.sellThrough(dealer.code, base.from, base.to),
        ]);
        const result: EntryResult = {
          baselineFen: before.fen,
          campaignFen: during.fen,
          baselineQty: before.qty,
          campaignQty: during.qty,
        };
        await this.p.store.saveResult(c.code, dealer.code, result);
        await this.p.notifier.toDealer(dealer.code, this.p.texts.dealerResult(c, dealer, result), {
          kind: 'campaign.result',
          dedupeKey: `campaign.result:${c.code}:${dealer.code}`,
          notBefore: pushNotBefore(now, i++),
        });
        byManager.set(dealer.managerCode, [...(byManager.get(dealer.managerCode) ?? []), { dealer, result }]);
        dealers++;
      }
      for (const [manager, rows] of byManager) {
        await this.p.notifier.toManager(manager, this.p.texts.managerResults(c, rows), {
          kind: 'campaign.results',
          dedupeKey: `campaign.results:${c.code}:${manager}`,
          notBefore: pushNotBefore(now),
        });
      }
      await this.p.store.markResults(c.code, now);
    }
    return { campaigns: ended.length, dealers };
  }

  /** A campaign with its entries and (after the end) results; null when there is no such campaign. */
  async report(code: string): Promise<CampaignReport | null> {
    const campaign = await this.p.store.get(code);
    if (!campaign) return null;
    const entries = (await this.p.store.report(code)).map((e) => ({
      ...e,
      liftPct: e.result ? liftPct(e.result) : null,
    }));
    const done = entries.filter((e) => e.status === 'approved' && e.result);
    const sum = (k: keyof EntryResult) => done.reduce((s, e) => s + e.result![k], 0);
    const totals = campaign.resultsAt
      ? (() => {
          const t = {
            baselineFen: sum('baselineFen'),
            campaignFen: sum('campaignFen'),
            baselineQty: sum('baselineQty'),
            campaignQty: sum('campaignQty'),
          };
          return { ...t, liftPct: liftPct(t), dealers: done.length };
        })()
      : null;
    return { campaign, entries, totals };
  }
}
