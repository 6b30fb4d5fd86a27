import type { ApproveOutcome, JoinOutcome } from '../../core/campaigns/campaign.service.js';
import { liftPct } from '../../core/campaigns/campaign.rules.js';
import type { Campaign, CampaignDealer, EntryResult } from '../../core/campaigns/campaigns.types.js';
import type { CampaignTexts } from '../../core/campaigns/ports.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { dayText } from './format.js';
import { formatYuan } from './policy.explain.js';
import { fitBytes } from './policies.replies.js';

const window = (c: Campaign) => `${dayText(c.startsOn)}—${dayText(c.endsOn)}`;
const subsidy = (c: Campaign) => (c.subsidyFen > 0 ? `，厂家补贴每家 ${formatYuan(c.subsidyFen)}` : '');
/** The description as one sentence ending in 。 (HQ may or may not have ended it so). */
const sentence = (text: string) => (text ? `${text.replace(/[。.！!\s]+$/u, '')}。` : '');
const line = (c: Campaign, i: number) => `${i + 1}. ${c.name}（${window(c)}${subsidy(c)}）`;

/** Who a campaign is for, in words ("核心、重点培育经销商；浙江省"). */
export function audienceText(c: Pick<Campaign, 'provinces' | 'tiers' | 'tags'>): string {
  const parts = [
    c.tiers.length ? `${c.tiers.map((t) => TIER_NAMES_ZH[t]).join('、')}经销商` : '',
    c.provinces.length ? c.provinces.join('、') : '',
    c.tags.length ? `标签 ${c.tags.join('、')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('；') : '全部经销商';
}

/** "+12.5%" / "-3%" / "无基期数据". */
export function liftText(r: Pick<EntryResult, 'baselineFen' | 'campaignFen'>): string {
  const p = liftPct(r);
  return p === null ? '无基期数据' : `${p >= 0 ? '+' : ''}${p}%`;
}

const resultLine = (r: EntryResult) =>
  `活动期动销 ${formatYuan(r.campaignFen)}（${r.campaignQty} 件），活动前同等天数 ${formatYuan(r.baselineFen)}（${r.baselineQty} 件），变化 ${liftText(r)}`;

/** The campaign pushes (core/campaigns' CampaignTexts). */
export const campaignTexts: CampaignTexts = {
  invitation: (c) =>
    `【活动邀请】${c.name}（${window(c)}）：${sentence(c.description)}${c.subsidyFen > 0 ? `厂家补贴每家 ${formatYuan(c.subsidyFen)}，` : ''}名额 ${c.seats} 家。想参加请回复“报名${c.name}”。`,
  applied: (c, d, seatsLeft) =>
    `${d.name}（${d.code}）申请报名「${c.name}」（${window(c)}），剩余名额 ${seatsLeft}。同意请回复“批准 ${d.code} ${c.name}”。`,
  approved: (c) =>
    `您报名的「${c.name}」已通过审核（${window(c)}${subsidy(c)}）。活动结束后我会把您活动期间的动销对比发给您。`,
  dealerResult: (c, _d, r) => `「${c.name}」已结束。${resultLine(r)}。`,
  managerResults: (c, rows) =>
    fitBytes([
      `「${c.name}」（${window(c)}）已结束，您负责的 ${rows.length} 家参与经销商动销对比：`,
      ...rows.map(
        ({ dealer, result }) =>
          `· ${dealer.name}（${dealer.code}）${formatYuan(result.campaignFen)}，活动前 ${formatYuan(result.baselineFen)}，${liftText(result)}`,
      ),
    ]),
};

/** Chat answers about campaigns: the dealer's sign-up and the manager's approval. */
export const campaignReplies = {
  managerJoinHint:
    '报名活动需要经销商本人用经销商账号提出；经销商报名后您会收到提醒，回复“批准 D0012 新品体验节”即可通过。',
  dealerApproveHint: '审核活动报名是客户经理的操作。想报名活动，请说“报名新品体验节”。',
  join(o: JoinOutcome): string {
    switch (o.kind) {
      case 'applied':
        return `已为您报名「${o.campaign.name}」（${window(o.campaign)}${subsidy(o.campaign)}），客户经理审核通过后会通知您。目前还剩 ${o.seatsLeft} 个名额。`;
      case 'already':
        return o.status === 'approved'
          ? `您已经报名「${o.campaign.name}」并已审核通过，不用重复报名。`
          : `您已经报名「${o.campaign.name}」，正在等客户经理审核，不用重复报名。`;
      case 'not_targeted':
        return `「${o.campaign.name}」这次面向${audienceText(o.campaign)}，您暂不在参与范围内。有适合您的活动时我会通知您。`;
      case 'full':
        return `「${o.campaign.name}」的 ${o.campaign.seats} 个名额已经报满了。有新的活动时我会通知您。`;
      case 'pick':
        return fitBytes([
          '有几个活动正在报名，想报哪一个？',
          ...o.campaigns.map(line),
          `回复“报名${o.campaigns[0]!.name}”即可。`,
        ]);
      case 'unknown':
        return o.open.length
          ? fitBytes([
              `没有找到“${o.words ?? ''}”这个活动。目前可以报名的活动：`,
              ...o.open.map(line),
              `回复“报名${o.open[0]!.name}”即可。`,
            ])
          : `没有找到“${o.words ?? ''}”这个活动，目前也没有面向您的活动在报名。有新活动时我会通知您。`;
      case 'none_open':
        return '目前没有正在报名的联合活动。有新活动时我会通知您。';
    }
  },
  approve(o: ApproveOutcome): string {
    const who = (d: CampaignDealer) => `${d.name}（${d.code}）`;
    switch (o.kind) {
      case 'approved':
        return `已批准${who(o.dealer)}参加「${o.campaign.name}」，已通知经销商。`;
      case 'already':
        return `${who(o.dealer)}参加「${o.campaign.name}」已经批准过了。`;
      case 'no_application':
        return o.words
          ? `${who(o.dealer)}没有报名“${o.words}”，没有可批准的申请。`
          : `${who(o.dealer)}目前没有待审核的活动报名。`;
      case 'pick':
        return fitBytes([
          `${who(o.dealer)}报名了几个活动，批准哪一个？`,
          ...o.campaigns.map(line),
          `回复“批准 ${o.dealer.code} ${o.campaigns[0]!.name}”即可。`,
        ]);
      case 'full':
        return `「${o.campaign.name}」的 ${o.campaign.seats} 个名额已批满，无法再批准${who(o.dealer)}。`;
    }
  },
  dealerNotFound: (code: string) => `未找到经销商 ${code}，或不在您负责的范围内，请核对编号。`,
  codeMissing: '请带上经销商编号，例如“批准 D0012 新品体验节”。',
};
