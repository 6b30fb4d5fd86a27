import { type Need, needCode } from '../../core/needs/needs.types.js';
import type { DealerPosition } from '../../core/policies/policy.service.js';
import { fitBytes, progressLine } from './policies.replies.js';

/** Joint campaigns (`campaign.join`): requests the manager confirms. */
export const growthReplies = {
  managerHint: '报名活动需要经销商本人用经销商账号提出；经销商的报名会作为需求发给您确认。',
  /** The need the manager receives for a campaign sign-up (its text). */
  campaignNeedText: (campaign: string | undefined) => `报名活动：${campaign ?? '联合推广活动（未说明具体活动）'}`,
  campaignRequested: (campaign: string | undefined, need: Need, promotions: readonly DealerPosition[]) =>
    fitBytes([
      `已把您${campaign ? `报名“${campaign}”` : '参加联合活动'}的申请交给客户经理（需求编号 ${needCode(need.id)}），活动名额和安排由客户经理确认后回复您。`,
      ...(promotions.length
        ? ['目前适用于您的促销：', ...promotions.map(progressLine)]
        : ['目前没有面向您的促销政策，有新活动时我会通知您。']),
    ]),
  campaignAlready: (need: Need) =>
    `这个活动的报名申请已经提交过了（需求编号 ${needCode(need.id)}），客户经理确认后会回复您。`,
};
