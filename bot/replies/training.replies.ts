import type { HonourPeriod, HonourRule, HonourWinner } from '../../core/honours/honour.rules.js';
import type { Honour, HonourTexts } from '../../core/honours/index.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { seatsLeft } from '../../core/training/training.rules.js';
import type { TrainingTexts } from '../../core/training/training.service.js';
import type {
  AttendOutcome,
  EnrolOutcome,
  Session,
  SessionReminder,
  TrainingDealer,
  WithdrawOutcome,
} from '../../core/training/training.types.js';
import { shTime } from './needs.replies.js';
import { fitBytes } from './policies.replies.js';
import { formatYuan } from './policy.explain.js';

const modeZh = (mode: string) => (mode === 'online' ? '线上' : '线下');
const where = (s: Session) => `${modeZh(s.mode)}${s.location ? `，${s.location}` : ''}`;
/** "免费" or the fee. */
const feeZh = (s: Session) => (s.feeFen === 0 ? '免费' : `${formatYuan(s.feeFen)}/人`);
const tiersZh = (s: Session) => s.targetTiers.map((t) => TIER_NAMES_ZH[t]).join('、');
const sessionLine = (s: Session) => {
  const left = seatsLeft(s);
  return `${s.title}（${shTime(s.startsAt)}，${where(s)}，${feeZh(s)}，${left > 0 ? `余 ${left} 席` : '已满，可候补'}）`;
};
const numbered = (sessions: readonly Session[]) => sessions.map((s, i) => `${i + 1}. ${sessionLine(s)}`);

/** Training sessions: enrolment by the dealer, attendance by the manager, the day-before reminder. */
export const trainingReplies = {
  managerHint: '报名培训需要经销商本人用经销商账号提出。记录到场可以说“D0012 安装培训到了”。',
  pickCourse: (sessions: readonly Session[], named: boolean) =>
    fitBytes([
      named ? '有几门课程都符合，想报名哪一门？' : '近期有这些课程，想报名哪一门？',
      ...numbered(sessions),
      '回复“第一个”或课程名即可。',
    ]),
  courseNotFound: (words: string, upcoming: readonly Session[]) =>
    fitBytes([
      `近期没有“${words}”相关的课程。近期课程：`,
      ...numbered(upcoming),
      '想报名其中一门，回复“第一个”或课程名；需要专项培训可以说“想申请门店导购培训”。',
    ]),
  noCourses: '近期暂无排期的培训课程，没法报名。需要专项培训可以直接告诉我，例如“想申请门店导购培训”。',

  enrol(r: EnrolOutcome): string {
    const s = r.session;
    switch (r.kind) {
      case 'enrolled': {
        const fee =
          r.enrolment.feeFen === 0
            ? r.free
              ? `费用：课程价 ${formatYuan(s.feeFen)}，${TIER_NAMES_ZH[r.dealer.tier]}经销商免费（等级权益）。`
              : '费用：免费。'
            : `费用：${formatYuan(r.enrolment.feeFen)}，由客户经理随下次订单结算。`;
        return [
          `报名成功：「${s.title}」，${shTime(s.startsAt)}，${where(s)}。`,
          fee,
          `已报 ${s.enrolled}/${s.seats} 席，开课前一天会提醒您。`,
        ].join('\n');
      }
      case 'waitlisted':
        return `「${s.title}」的 ${s.seats} 个名额已满，已为您登记候补第 ${r.position} 位；有名额空出时客户经理会联系您。`;
      case 'already':
        return r.enrolment.status === 'enrolled'
          ? `您已经报名了「${s.title}」（${shTime(s.startsAt)}，${where(s)}），不用重复报名。`
          : `您已在「${s.title}」的候补名单上，有名额空出时客户经理会联系您。`;
      case 'started':
        return `「${s.title}」已经在 ${shTime(s.startsAt)} 开课了，不能再报名。`;
      case 'not_targeted': {
        const forWhom = [
          s.targetTiers.length ? `${tiersZh(s)}经销商` : '',
          s.targetTags.length ? `带“${s.targetTags.join('/')}”标签的经销商` : '',
        ]
          .filter(Boolean)
          .join('中');
        return fitBytes([
          `「${s.title}」面向${forWhom}，您目前是${TIER_NAMES_ZH[r.dealer.tier]}经销商，暂时不能报名。`,
          ...(r.eligible.length ? ['您可以报名的近期课程：', ...numbered(r.eligible)] : ['近期暂无面向您的课程。']),
        ]);
      }
    }
  },

  withdraw(r: WithdrawOutcome): string {
    switch (r.kind) {
      case 'withdrawn':
        return r.enrolment.status === 'enrolled'
          ? `已为您退出「${r.session.title}」（${shTime(r.session.startsAt)}），名额已释放。想再报名随时告诉我。`
          : `已取消您在「${r.session.title}」的候补登记。`;
      case 'none':
        return r.words
          ? `您没有报名“${r.words}”相关的近期课程，不需要退出。`
          : '您目前没有报名近期的培训课程，不需要退出。';
      case 'several':
        return fitBytes([
          '您报名了几门近期课程，要退出哪一门？',
          ...numbered(r.sessions),
          '回复“第一个”或课程名即可。',
        ]);
    }
  },

  /** A training need gets the matching session offered. */
  needOffers: (offers: readonly Session[]) =>
    offers.length === 1
      ? `近期有相关课程：${sessionLine(offers[0]!)}。想参加直接回复“第一个”即可报名。`
      : `近期有这些相关课程：\n${offers.map((s, i) => `${i + 1}. ${sessionLine(s)}`).join('\n')}\n想参加哪一门，回复“第一个”“第二个”即可报名。`,

  reminder: (r: SessionReminder) =>
    `培训提醒：您报名的「${r.session.title}」明天 ${shTime(r.session.startsAt).split(' ')[1]} 开课（${where(r.session)}），请准时参加。`,

  attendCodeMissing: '请带上经销商编号，例如“D0012 安装培训到了”。',
  attend(r: AttendOutcome): string {
    switch (r.kind) {
      case 'recorded':
        return `已记录：${r.dealer.name}（${r.dealer.code}）参加了「${r.session.title}」（${shTime(r.session.startsAt)}）。`;
      case 'already':
        return `${r.dealer.name}（${r.dealer.code}）参加「${r.session.title}」已经记录过了。`;
      case 'dealer_not_found':
        return `没有找到您负责的经销商 ${r.dealerCode}。`;
      case 'no_enrolment':
        return `${r.dealer.name}（${r.dealer.code}）最近 7 天没有${r.words ? `“${r.words}”相关` : ''}已报名的课程，无法记录到场。`;
      case 'several':
        return fitBytes([
          `${r.dealer.name}（${r.dealer.code}）报名了几门课程，是哪一门？`,
          ...r.sessions.map((s, i) => `${i + 1}. ${s.title}（${shTime(s.startsAt)}）`),
          `请说“${r.dealer.code} 课程名 到了”。`,
        ]);
    }
  },
};

/** What the account manager is told. */
export const trainingNotices = {
  enrolled: (d: TrainingDealer, r: Extract<EnrolOutcome, { kind: 'enrolled' | 'waitlisted' }>) =>
    r.kind === 'enrolled'
      ? `培训报名：${d.name}（${d.code}）报名了「${r.session.title}」（${shTime(r.session.startsAt)}），${r.enrolment.feeFen === 0 ? '免费' : `费用 ${formatYuan(r.enrolment.feeFen)}`}，已报 ${r.session.enrolled}/${r.session.seats} 席。`
      : `培训候补：${d.name}（${d.code}）想报名「${r.session.title}」，名额已满，登记为候补第 ${r.position} 位。`,
  withdrawn: (d: TrainingDealer, s: Session) =>
    `培训退出：${d.name}（${d.code}）退出了「${s.title}」（${shTime(s.startsAt)}），已报 ${s.enrolled}/${s.seats} 席。`,
  /** To the promoted dealer's manager and to the dealer: the waitlist place became a seat. */
  promotedToManager: (d: TrainingDealer, s: Session) =>
    `培训候补转正：${d.name}（${d.code}）已从候补转为正式名额「${s.title}」（${shTime(s.startsAt)}）。`,
  promotedToDealer: (s: Session) =>
    `好消息：「${s.title}」（${shTime(s.startsAt)}，${where(s)}）有名额空出，您已从候补转为正式报名，开课前一天会提醒您。`,
};

export const trainingTexts: TrainingTexts = { reminder: trainingReplies.reminder };

const periodZh = (p: HonourPeriod) =>
  p.kind === 'year' ? `${p.label}年度` : `${p.label.slice(0, 4)}年第${p.label.slice(5)}季度`;

/** Honours: titles, reasons and announcements (the rules are in core/honours). */
export const honourTexts: HonourTexts = {
  title: (rule: HonourRule, p: HonourPeriod) => `${periodZh(p)}${rule.name}`,
  reason: (w: HonourWinner) =>
    w.rule.metric === 'collaboration'
      ? `协同评分均值 ${w.value}，期内订单 ${w.candidate.orders} 笔，${w.candidate.province}第一`
      : `订货额 ${formatYuan(w.candidate.amountFen)}，同比增长 ${Math.round(w.value * 1000) / 10}%，${w.candidate.province}第一`,
  toWinner: (h: Honour, w: HonourWinner) =>
    `恭喜${w.candidate.name}获得「${h.title}」！评选依据：${h.reason ?? ''}。感谢一路同行，荣誉已记入您的经销商档案。`,
  toRegion: (p: HonourPeriod, list) =>
    fitBytes([
      `${periodZh(p)}荣誉揭晓（${list[0]?.winner.candidate.province ?? ''}）：`,
      ...list.map(({ honour, winner }) => `· ${honour.title}：${winner.candidate.name}（${honour.reason ?? ''}）`),
      '向获奖伙伴学习，共同成长！',
    ]),
};

/** The dealer's honours, for tier.query and "我有什么荣誉". */
export const honourLines = (honours: readonly Honour[]): string[] =>
  honours.length === 0
    ? ['荣誉：暂无。每季度和年度按协同评分和订货增长评选“协同之星”“终端突破奖”。']
    : [`荣誉（${honours.length} 项）：`, ...honours.slice(0, 6).map((h) => `· ${h.title}（${h.awardedOn}）`)];

/** "（该经销商荣获：…）" when a success case's dealer holds honours. */
export const honoursNote = (c: { honours?: readonly string[] }): string =>
  c.honours?.length ? `（该经销商荣获：${c.honours.join('、')}）` : '';
