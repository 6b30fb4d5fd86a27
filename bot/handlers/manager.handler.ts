import { CampaignError } from '../../core/campaigns/campaigns.errors.js';
import { ContactError } from '../../core/contacts/contacts.errors.js';
import { NeedError } from '../../core/needs/needs.errors.js';
import {
  type HandlerRegistry,
  type ManagerIdentity,
  managerOnly,
  reply,
  type TurnContext,
  type TurnResult,
} from '../dialog/turn.js';
import { nextDueText } from '../replies/cadence.replies.js';
import { campaignReplies } from '../replies/campaigns.replies.js';
import { managerReplies } from '../replies/manager.replies.js';
import { needReplies } from '../replies/needs.replies.js';
import { portfolioReplies } from '../replies/portfolio.replies.js';
import { needListFilter, tierNamed } from './words.js';

function contactFailure(e: unknown, code: string): TurnResult {
  if (!(e instanceof ContactError)) throw e;
  switch (e.code) {
    case 'CONTACT.DEALER_NOT_FOUND':
      return reply(managerReplies.contactDealerNotFound(code));
    case 'CONTACT.EMPTY_NOTE':
      return reply(managerReplies.contactNoteMissing);
    case 'CONTACT.MANAGER_NOT_FOUND':
      return reply(needReplies.managerNotFound(String(e.details.managerCode ?? '')));
  }
}

/** One dealer's open needs and who has each; a dealer outside the manager's scope reads as not found. */
async function dealerNeeds(ctx: TurnContext<ManagerIdentity>, dealerCode: string): Promise<string> {
  try {
    const list = await ctx.services.needs.listForManager({
      managerCode: ctx.identity.managerCode,
      filter: needListFilter(ctx.text),
      now: ctx.now,
      dealerCode,
    });
    const owners = new Map<string, string>();
    for (const code of new Set(list.items.map((i) => i.need.ownerCode))) {
      owners.set(code, (await ctx.services.directory.managerName(code)) ?? code);
    }
    return managerReplies.dealerNeeds(dealerCode, list, owners);
  } catch (e) {
    if (e instanceof NeedError && e.code === 'NEED.DEALER_NOT_FOUND')
      return managerReplies.contactDealerNotFound(dealerCode);
    throw e;
  }
}

/** Manager shorthand about their own work: the open needs on their desk, the contacts they made, approvals. */
export const managerHandlers: HandlerRegistry = {
  'am.need.list': managerOnly(async (ctx, turn) => {
    const slot = turn.slots.dealer_code?.toUpperCase();
    // "D0002和D0004的需求谁在跟": each dealer named is answered.
    const named = slot ? [...new Set([slot, ...(ctx.text.toUpperCase().match(/D\d{4}/g) ?? [])])] : [];
    try {
      if (named.length === 0) {
        const list = await ctx.services.needs.listForManager({
          managerCode: ctx.identity.managerCode,
          filter: needListFilter(ctx.text),
          now: ctx.now,
        });
        return reply(managerReplies.needList(list));
      }
      const parts: string[] = [];
      for (const code of named) parts.push(await dealerNeeds(ctx, code));
      return reply(parts.join('\n\n'));
    } catch (e) {
      if (e instanceof NeedError && e.code === 'NEED.MANAGER_NOT_FOUND') {
        return reply(needReplies.managerNotFound(ctx.identity.managerCode));
      }
      throw e;
    }
  }),

  'am.contact.log': managerOnly(async (ctx, turn) => {
    const code = turn.slots.dealer_code?.toUpperCase();
    if (!code) return reply(managerReplies.contactCodeMissing);
    try {
      const logged = await ctx.services.contacts.record({
        managerCode: ctx.identity.managerCode,
        dealerCode: code,
        note: turn.slots.note ?? ctx.text,
        now: ctx.now,
      });
      const next = await ctx.services.cadence.forDealer(logged.dealer.code, ctx.now);
      const text = managerReplies.contactLogged(logged);
      return reply(next ? `${text}\n${nextDueText(next)}` : text);
    } catch (e) {
      return contactFailure(e, code);
    }
  }),

  'am.dealer.list': managerOnly(async (ctx) => {
    try {
      const tier = tierNamed(ctx.text);
      const portfolio = await ctx.services.portfolio.dealers({
        managerCode: ctx.identity.managerCode,
        now: ctx.now,
        filter: { ...(tier ? { tier } : {}), words: ctx.text },
      });
      return reply(portfolioReplies.dealers(portfolio));
    } catch (e) {
      return contactFailure(e, '');
    }
  }),

  'am.contact.plan': managerOnly(async (ctx) => {
    try {
      const plan = await ctx.services.portfolio.contactPlan({ managerCode: ctx.identity.managerCode, now: ctx.now });
      return reply(portfolioReplies.plan(plan));
    } catch (e) {
      return contactFailure(e, '');
    }
  }),

  'am.campaign.approve': managerOnly(async (ctx, turn) => {
    const code = turn.slots.dealer_code?.toUpperCase();
    if (!code) return reply(campaignReplies.codeMissing);
    try {
      const outcome = await ctx.services.campaigns.approve({
        managerCode: ctx.identity.managerCode,
        dealerCode: code,
        words: turn.slots.campaign,
        now: ctx.now,
      });
      return reply(campaignReplies.approve(outcome));
    } catch (e) {
      if (!(e instanceof CampaignError)) throw e;
      if (e.code === 'CAMPAIGN.MANAGER_NOT_FOUND') return reply(needReplies.managerNotFound(ctx.identity.managerCode));
      return reply(campaignReplies.dealerNotFound(code));
    }
  }),
};
