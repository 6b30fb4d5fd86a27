import type { Course } from '../care/content.port.js';

/** Below this a course is not taken as the one the words name. */
export const MIN_COURSE_SCORE = 0.5;
/** The best course is taken without asking when it is this far ahead of the next one. */
export const COURSE_LEAD = 0.25;

// Words around a course name that say nothing about which course: the request, the kind of event, when.
const FILLER =
  /报名|报个名|参加|参与|预约|帮我|我要|我想|想要|一下|那个|这个|那门|这门|一期|培训班|培训|课程|讲座|训练营|学习|课|班|下个?月|这个?月|本月|下个?周|这个?周|本周|下礼拜|这礼拜|明天|后天|最近|近期|线上|线下|的/g;

/** The words that name a course, without the request around them; '' when nothing is left to go by. */
export function courseWords(text: string | undefined): string {
  if (!text) return '';
  const q = text
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .replace(FILLER, '');
  return q.length >= 2 ? q : '';
}

const bigrams = (s: string): string[] => {
  const cs = [...s];
  return cs.slice(1).map((c, i) => `${cs[i]}${c}`);
};

/** How well the words name the course, 0–1: their character pairs found in the title (or, at half weight, in its description). */
export function courseScore(words: string, c: Pick<Course, 'title' | 'description'>): number {
  const pairs = bigrams(words);
  if (pairs.length === 0) return 0;
  const hits = pairs.reduce((s, p) => s + (c.title.includes(p) ? 1 : c.description.includes(p) ? 0.5 : 0), 0);
  return Math.round((hits / pairs.length) * 1000) / 1000;
}

export type CourseChoice<C extends Course = Course> =
  /** One course: the words name it, or nothing was named and only one is coming. */
  | { kind: 'one'; course: C }
  /** Several fit (or nothing was named): the dealer picks; `named` tells which. */
  | { kind: 'several'; courses: C[]; named: boolean }
  /** Words were given and no course fits them. */
  | { kind: 'none'; words: string }
  | { kind: 'no_courses' };

/**
 * Which of the upcoming courses a dealer's words ("报名橱柜测量那个课") mean. Without words, the only upcoming course
 * is taken; otherwise the dealer is asked.
 */
export function chooseCourse<C extends Course>(text: string | undefined, upcoming: readonly C[]): CourseChoice<C> {
  if (upcoming.length === 0) return { kind: 'no_courses' };
  const words = courseWords(text);
  if (!words) {
    return upcoming.length === 1
      ? { kind: 'one', course: upcoming[0]! }
      : { kind: 'several', courses: [...upcoming], named: false };
  }
  const scored = upcoming
    .map((course) => ({ course, score: courseScore(words, course) }))
    .filter((s) => s.score >= MIN_COURSE_SCORE)
    .sort((a, b) => b.score - a.score || a.course.startsAt.getTime() - b.course.startsAt.getTime());
  const [best, next] = scored;
  if (!best) return { kind: 'none', words };
  if (!next || best.score - next.score >= COURSE_LEAD) return { kind: 'one', course: best.course };
  const close = scored.filter((s) => best.score - s.score < COURSE_LEAD).map((s) => s.course);
  return { kind: 'several', courses: close, named: true };
}
