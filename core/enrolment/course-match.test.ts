import { describe, expect, it } from 'vitest';
import type { Course } from '../care/content.port.js';
import { chooseCourse, courseScore, courseWords } from './course-match.js';

const course = (title: string, description: string, day: number): Course => ({
  title,
  description,
  startsAt: new Date(Date.UTC(2026, 11, day)),
  mode: 'online',
});
const COURSES = [
  course('窄边框门窗卖点与样窗陈列', '核心卖点和门店样窗陈列要点，适合导购和店长。', 1),
  course('整体橱柜测量设计实操', '上门测量、动线设计和报价单制作。', 2),
  course('安装服务标准与售后处理', '门窗和橱柜安装验收标准。', 3),
  course('橱柜安装实操', '橱柜现场安装。', 4),
];

describe('choosing the course a dealer names', () => {
  it('keeps only the words that name a course', () => {
    expect(courseWords('下个月的培训')).toBe('');
    expect(courseWords('培训')).toBe('');
    expect(courseWords('橱柜测量培训')).toBe('橱柜测量');
    expect(courseWords('门店运营课')).toBe('门店运营');
    expect(courseWords(undefined)).toBe('');
  });

  it('scores pairs of characters in the title fully and in the description by half', () => {
    expect(courseScore('橱柜测量', COURSES[1]!)).toBe(1);
    expect(courseScore('导购', COURSES[0]!)).toBe(0.5);
    expect(courseScore('门店运营', COURSES[0]!)).toBeLessThan(0.5);
  });

  it('takes a clear match, asks between close ones, and says when nothing fits', () => {
    expect(chooseCourse('橱柜测量培训', COURSES)).toMatchObject({
      kind: 'one',
      course: { title: '整体橱柜测量设计实操' },
    });
    expect(chooseCourse('导购培训', COURSES)).toMatchObject({ kind: 'one', course: { title: COURSES[0]!.title } });
    // The whole title wins over a course that only shares some of the words.
    expect(chooseCourse('橱柜安装', COURSES)).toMatchObject({ kind: 'one', course: { title: '橱柜安装实操' } });
    const close = chooseCourse('安装培训', COURSES);
    expect(close).toMatchObject({ kind: 'several', named: true });
    expect(close.kind === 'several' && close.courses.map((c) => c.title)).toEqual([
      '安装服务标准与售后处理',
      '橱柜安装实操',
    ]);
    expect(chooseCourse('门店运营', COURSES)).toEqual({ kind: 'none', words: '门店运营' });
  });

  it('without words: the only course, else the list; no course at all is said so', () => {
    expect(chooseCourse('培训', COURSES.slice(0, 1))).toMatchObject({ kind: 'one' });
    expect(chooseCourse(undefined, COURSES)).toMatchObject({ kind: 'several', named: false, courses: COURSES });
    expect(chooseCourse('橱柜', [])).toEqual({ kind: 'no_courses' });
  });
});
