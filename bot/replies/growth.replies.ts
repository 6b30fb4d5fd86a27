import type { Course } from '../../core/care/content.port.js';
import { type Need, needCode } from '../../core/needs/needs.types.js';
import { shTime } from './needs.replies.js';
import { fitBytes } from './policies.replies.js';

const modeZh = (mode: string) => (mode === 'online' ? '线上' : '线下');
const courseLine = (c: Course) => `${c.title}（${shTime(c.startsAt)}，${modeZh(c.mode)}）`;

/** Training enrolment (`training.enrol`): requests the manager confirms. */
export const growthReplies = {
  managerHint: '报名培训和活动需要经销商本人用经销商账号提出；经销商的报名会作为需求发给您确认。',
  /** The need the manager receives for an enrolment (its text). */
  enrolNeedText: (c: Course) => `报名课程：${courseLine(c)}`,
  enrolled: (c: Course, need: Need) =>
    `已为您提交「${c.title}」的报名申请（${shTime(c.startsAt)}，${modeZh(c.mode)}），需求编号 ${needCode(need.id)}。名额由客户经理确认，确认后会通知您；${shTime(need.firstResponseDue)} 前会有回复。`,
  alreadyEnrolled: (c: Course, need: Need) =>
    `「${c.title}」的报名申请已经提交过了（需求编号 ${needCode(need.id)}），客户经理确认名额后会通知您。`,
  /** Several courses could be meant (or none was named): numbered, to pick by number or name. */
  pickCourse: (courses: readonly Course[], named: boolean) =>
    fitBytes([
      named ? '有几门课程都符合，想报名哪一门？' : '近期有这些课程，想报名哪一门？',
      ...courses.map((c, i) => `${i + 1}. ${courseLine(c)}`),
      '回复“第一个”或课程名即可。',
    ]),
  courseNotFound: (words: string, upcoming: readonly Course[]) =>
    fitBytes([
      `近期没有“${words}”相关的课程。近期课程：`,
      ...upcoming.map((c, i) => `${i + 1}. ${courseLine(c)}`),
      '想报名其中一门，回复“第一个”或课程名；需要专项培训可以说“想申请门店导购培训”。',
    ]),
  noCourses: '近期暂无排期的培训课程，没法报名。需要专项培训可以直接告诉我，例如“想申请门店导购培训”。',
};
