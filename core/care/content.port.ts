import type { SuccessCase } from './success-case.js';

export interface Course {
  title: string;
  description: string;
  startsAt: Date;
  mode: string;
}

/** The content HQ curates for dealers: training sessions and success cases. */
export interface CareContent {
  /** Courses starting at or after `from`, soonest first. */
  upcomingCourses(from: Date, limit: number): Promise<Course[]>;
  /** Every success case, in the order HQ added them. */
  successCases(): Promise<SuccessCase[]>;
}
