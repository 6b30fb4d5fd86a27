import type {
  Enrolment,
  EnrolmentStatus,
  NewSession,
  Session,
  SessionRoster,
  TrainingDealer,
} from './training.types.js';

/** Persistence of sessions and enrolments; db/repositories/training.repository.ts implements it. */
export interface TrainingStore {
  dealer(code: string): Promise<TrainingDealer | null>;
  /** The dealer, only when the manager answers for it (their own; a regional manager: their account managers'). */
  dealerForManager(managerCode: string, dealerCode: string): Promise<TrainingDealer | null>;
  /** Sessions starting at or after `from`, soonest first, with their seat counts. */
  upcoming(from: Date, limit: number): Promise<Session[]>;
  session(id: number): Promise<Session | null>;
  /** Locks the session's row for the rest of the transaction, so two last-seat requests cannot both win. */
  lockSession(id: number): Promise<void>;
  enrolment(courseId: number, dealerCode: string): Promise<Enrolment | null>;
  insertEnrolment(e: {
    courseId: number;
    dealerCode: string;
    status: EnrolmentStatus;
    feeFen: number;
    at: Date;
  }): Promise<Enrolment>;
  /** The dealer's enrolments (with their sessions) in sessions that started in [from, to). */
  enrolmentsBetween(
    dealerCode: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ session: Session; enrolment: Enrolment }>>;
  /** Gives the seat or waitlist place up (the row goes: the seat counts are the rows). */
  deleteEnrolment(enrolmentId: number): Promise<void>;
  /** The session's longest-waiting waitlist place, if any. */
  firstWaitlisted(courseId: number): Promise<Enrolment | null>;
  /** A waitlist place becomes a seat. */
  promote(enrolmentId: number): Promise<Enrolment>;
  markAttended(enrolmentId: number, at: Date, by: string): Promise<Enrolment>;
  /** Seat holders (status enrolled) of sessions starting in [from, to), with their dealers. */
  seatsStartingBetween(
    from: Date,
    to: Date,
  ): Promise<Array<{ session: Session; enrolment: Enrolment; dealer: TrainingDealer }>>;
  insertSession(s: NewSession): Promise<Session>;
  /** Sessions starting at or after `from` (all when null), with their seat holders. */
  rosters(from: Date | null, limit: number): Promise<SessionRoster[]>;
}
