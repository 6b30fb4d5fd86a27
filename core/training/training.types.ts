import type { Course } from '../care/content.port.js';
import type { Tier } from '../dealers/tiers.js';

/** A course session HQ schedules: dated, with seats, a fee and the tiers/tags it is for. */
export interface Session extends Course {
  id: number;
  seats: number;
  feeFen: number;
  /** Empty: every tier. */
  targetTiers: Tier[];
  /** Empty: any tags; otherwise the dealer needs one of them. */
  targetTags: string[];
  location: string | null;
  /** Seats taken (status enrolled) and waitlist length. */
  enrolled: number;
  waitlisted: number;
}

export type EnrolmentStatus = 'enrolled' | 'waitlisted';

export interface Enrolment {
  id: number;
  courseId: number;
  dealerCode: string;
  status: EnrolmentStatus;
  feeFen: number;
  enrolledAt: Date;
  attendedAt: Date | null;
  attendedBy: string | null;
}

export interface TrainingDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  managerCode: string;
}

/** What an enrolment request came to (expected outcomes are values). */
export type EnrolOutcome =
  | { kind: 'enrolled'; session: Session; enrolment: Enrolment; dealer: TrainingDealer; free: boolean }
  /** The session is full: the dealer is on the waitlist at `position`. */
  | { kind: 'waitlisted'; session: Session; enrolment: Enrolment; position: number }
  | { kind: 'already'; session: Session; enrolment: Enrolment }
  /** The session is for other tiers or tags; `eligible` lists the upcoming sessions the dealer may take. */
  | { kind: 'not_targeted'; session: Session; dealer: TrainingDealer; eligible: Session[] }
  | { kind: 'started'; session: Session };

/** What a dealer's withdrawal came to. */
export type WithdrawOutcome =
  /** The seat (or waitlist place) is given up; a freed seat went to the first on the waitlist (`promoted`). */
  | {
      kind: 'withdrawn';
      session: Session;
      enrolment: Enrolment;
      promoted: { dealer: TrainingDealer; enrolment: Enrolment } | null;
    }
  /** No upcoming seat or waitlist place (matching the words, when given). */
  | { kind: 'none'; words: string }
  /** Several upcoming seats fit: the dealer names one. */
  | { kind: 'several'; sessions: Session[] };

/** What a manager's attendance record came to. */
export type AttendOutcome =
  | { kind: 'recorded'; dealer: TrainingDealer; session: Session; enrolment: Enrolment }
  | { kind: 'already'; dealer: TrainingDealer; session: Session; enrolment: Enrolment }
  | { kind: 'dealer_not_found'; dealerCode: string }
  /** The dealer has no seat in a session that has started (or starts today) matching the words. */
  | { kind: 'no_enrolment'; dealer: TrainingDealer; words: string }
  /** Several of the dealer's sessions fit: the manager names one. */
  | { kind: 'several'; dealer: TrainingDealer; sessions: Session[] };

/** A reminder the day before: one per seat. */
export interface SessionReminder {
  session: Session;
  dealer: TrainingDealer;
  enrolment: Enrolment;
}

/** A new session from HQ (admin API, CLI). */
export interface NewSession {
  title: string;
  description: string;
  startsAt: Date;
  mode: 'online' | 'offline';
  seats: number;
  feeFen: number;
  targetTiers: Tier[];
  targetTags: string[];
  location: string | null;
  tags: string[];
}

/** A session with its seat holders, for the console and the admin API. */
export interface SessionRoster {
  session: Session;
  enrolments: Array<Enrolment & { dealerName: string; tier: Tier }>;
}
