/**
 * The intent contract (NLU.md) as plain values, shared by the rule parser (bot/nlu), the LLM adapter's schema
 * (adapters/llm) and the capabilities that store its values (needs' categories, policy kinds).
 */
export const INTENTS = [
  'order.place',
  'order.modify',
  'confirm',
  'deny',
  'order.status',
  'order.cancel',
  'order.reorder',
  'stock.query',
  'replenish.advice',
  'need.submit',
  'need.status',
  'need.rate',
  'policy.explain',
  'rebate.progress',
  'policy.list',
  'training.list',
  'case.request',
  'account.bind',
  'human.handoff',
  'greeting',
  'help',
  'unknown',
  'am.need.claim',
  'am.need.resolve',
  'am.need.transfer',
  'am.dealer.lookup',
  'account.statement',
  'tier.query',
  'training.enrol',
  'training.withdraw',
  'campaign.join',
  'trend.query',
  'sales.query',
  'am.need.list',
  'am.contact.log',
  'policy.feedback',
  'am.training.attend',
  'am.campaign.approve',
  'am.dealer.list',
  'am.contact.plan',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents only an account manager may have: identity comes from the channel, never from the text. */
export const MANAGER_INTENTS: readonly Intent[] = INTENTS.filter((i) => i.startsWith('am.'));

export const NEED_CATEGORIES = [
  'product',
  'training',
  'policy',
  'after_sales',
  'expiring_stock',
  'display',
  'logistics',
  'payment',
  'other',
] as const;
export type NeedCategory = (typeof NEED_CATEGORIES)[number];

export const POLICY_KINDS = ['ladder_rebate', 'growth_reward', 'anniversary_bonus', 'promotion'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];
