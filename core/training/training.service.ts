import { type CarePlan, sendOnce } from '../care/send-once.js';
import type { DeliveryLog, Push, PushQueue } from '../care/ports.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../common/time.js';
import { chooseCourse, courseWords } from '../enrolment/course-match.js';
import type { TrainingStore } from './ports.js';
import { feeFor, isTargeted } from './training.rules.js';
import type {
  AttendOutcome,
  EnrolOutcome,
  NewSession,
  Session,
  SessionReminder,
  SessionRoster,
  TrainingDealer,
  WithdrawOutcome,
} from './training.types.js';

/** How far back a manager may record attendance ("D0012 安装培训到了" the day after still counts). */
export const ATTENDANCE_DAYS = 7;
export const REMINDER_KIND = 'training.reminder';
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

/**
 * Training sessions by chat: enrol (a seat, the waitlist when full, refused when the session is not for the
 * dealer's tier or tags), attendance recorded by the manager, the sessions a training need is offered.
 *
 * @example
 * const r = await training.enrol({ dealerCode: 'D0012', sessionId: 3, now });
 * if (r.kind === 'waitlisted') console.log(r.position);
 */
/** Sessions offered at most for a training need matched by their descriptions only. */
const NEED_OFFERS = 3;

export class TrainingService {
  constructor(private readonly store: TrainingStore) {}

  dealer(code: string): Promise<TrainingDealer | null> {
    return this.store.dealer(code);
  }

  /** Upcoming sessions, soonest first. */
  upcoming(now: Date, limit: number): Promise<Session[]> {
    return this.store.upcoming(now, limit);
  }

  /** Upcoming sessions meant for the dealer's tier and tags. */
  async upcomingFor(dealer: TrainingDealer, now: Date, limit: number): Promise<Session[]> {
    return (await this.store.upcoming(now, limit * 4)).filter((s) => isTargeted(s, dealer)).slice(0, limit);
  }

  async enrol(input: { dealerCode: string; sessionId: number; now: Date }): Promise<EnrolOutcome> {
    const dealer = await this.store.dealer(input.dealerCode);
    if (!dealer) throw new Error(`unknown dealer ${input.dealerCode}`);
    await this.store.lockSession(input.sessionId);
    const session = await this.store.session(input.sessionId);
    if (!session) throw new Error(`unknown session ${input.sessionId}`);
    const existing = await this.store.enrolment(session.id, dealer.code);
    if (existing) return { kind: 'already', session, enrolment: existing };
    if (session.startsAt <= input.now) return { kind: 'started', session };
    if (!isTargeted(session, dealer)) {
      return { kind: 'not_targeted', session, dealer, eligible: await this.upcomingFor(dealer, input.now, 3) };
    }
    const full = session.enrolled >= session.seats;
    const enrolment = await this.store.insertEnrolment({
      courseId: session.id,
      dealerCode: dealer.code,
      status: full ? 'waitlisted' : 'enrolled',
      feeFen: feeFor(session, dealer.tier),
      at: input.now,
    });
    if (full) {
      return {
        kind: 'waitlisted',
        session: { ...session, waitlisted: session.waitlisted + 1 },
        enrolment,
        position: session.waitlisted + 1,
      };
    }
    return {
      kind: 'enrolled',
      session: { ...session, enrolled: session.enrolled + 1 },
      enrolment,
      dealer,
      free: enrolment.feeFen === 0 && session.feeFen > 0,
    };
  }

  /**
   * The dealer gives up a seat or waitlist place in a session not yet started ("我想退出培训"): the one the words
   * name, or their only one. A freed seat goes to the longest-waiting dealer on the waitlist.
   *
   * @example
   * const r = await training.withdraw({ dealerCode: 'D0012', words: '社群营销', now });
   * if (r.kind === 'withdrawn' && r.promoted) notify(r.promoted.dealer.managerCode);
   */
  async withdraw(input: { dealerCode: string; words?: string; now: Date }): Promise<WithdrawOutcome> {
    const booked = await this.store.enrolmentsBetween(input.dealerCode, input.now, FAR_FUTURE);
    const choice = chooseCourse(
      input.words,
      booked.map((b) => b.session),
    );
    if (choice.kind === 'no_courses' || choice.kind === 'none')
      return { kind: 'none', words: courseWords(input.words) };
    if (choice.kind === 'several') return { kind: 'several', sessions: choice.courses };
    const session = choice.course;
    await this.store.lockSession(session.id);
    const enrolment = await this.store.enrolment(session.id, input.dealerCode);
    if (!enrolment) return { kind: 'none', words: courseWords(input.words) };
    await this.store.deleteEnrolment(enrolment.id);
    if (enrolment.status !== 'enrolled') {
      return {
        kind: 'withdrawn',
        session: { ...session, waitlisted: session.waitlisted - 1 },
        enrolment,
        promoted: null,
      };
    }
    const next = await this.store.firstWaitlisted(session.id);
    const nextDealer = next ? await this.store.dealer(next.dealerCode) : null;
    const promoted = next && nextDealer ? { dealer: nextDealer, enrolment: await this.store.promote(next.id) } : null;
    const after = (await this.store.session(session.id)) ?? session;
    return { kind: 'withdrawn', session: after, enrolment, promoted };
  }

  /**
   * The manager records that a dealer attended ("D0012 安装培训到了"): one of the dealer's seats in a session that
   * started in the last {@link ATTENDANCE_DAYS} days or starts today, named by the words when several fit.
   */
  async recordAttendance(input: {
    managerCode: string;
    dealerCode: string;
    course?: string;
    now: Date;
  }): Promise<AttendOutcome> {
    const dealerCode = input.dealerCode.trim().toUpperCase();
    const dealer = await this.store.dealerForManager(input.managerCode, dealerCode);
    if (!dealer) return { kind: 'dealer_not_found', dealerCode };
    const today = shanghaiDate(input.now);
    const from = shanghaiMidnight(addDays(today, -ATTENDANCE_DAYS));
    const to = shanghaiMidnight(addDays(today, 1));
    const seats = (await this.store.enrolmentsBetween(dealer.code, from, to)).filter(
      (e) => e.enrolment.status === 'enrolled',
    );
    const words = courseWords(input.course);
    if (seats.length === 0) return { kind: 'no_enrolment', dealer, words };
    let pick = seats.length === 1 && !words ? seats[0] : undefined;
    if (!pick) {
      const choice = chooseCourse(
        input.course,
        seats.map((s) => s.session),
      );
      if (choice.kind === 'one') pick = seats.find((s) => s.session.id === (choice.course as Session).id);
      else if (choice.kind === 'several') return { kind: 'several', dealer, sessions: choice.courses };
      else return { kind: 'no_enrolment', dealer, words };
    }
    if (!pick) return { kind: 'no_enrolment', dealer, words };
    if (pick.enrolment.attendedAt) return { kind: 'already', dealer, session: pick.session, enrolment: pick.enrolment };
    const enrolment = await this.store.markAttended(pick.enrolment.id, input.now, input.managerCode);
    return { kind: 'recorded', dealer, session: pick.session, enrolment };
  }

  /** The console's attendance form: by enrolment, whoever HQ is. */
  async markAttendedById(input: { courseId: number; dealerCode: string; by: string; now: Date }) {
    const e = await this.store.enrolment(input.courseId, input.dealerCode);
    if (e?.status !== 'enrolled') return null;
    return e.attendedAt ? e : this.store.markAttended(e.id, input.now, input.by);
  }

  /**
   * The upcoming sessions (meant for the dealer) a training need's words point to: the one sharing the most
   * character pairs with its title (description at half weight; soonest on a tie); when no title shares a pair,
   * those whose description does ("导购培训": sessions meant for 导购), soonest first, at most `NEED_OFFERS`. Empty
   * when nothing is related.
   */
  async offersForNeed(dealerCode: string, text: string, now: Date): Promise<Session[]> {
    const dealer = await this.store.dealer(dealerCode);
    if (!dealer) return [];
    const words = courseWords(text);
    if (!words) return [];
    const pairs = [...words].slice(1).map((c, i) => `${words[i]}${c}`);
    let best: { s: Session; hits: number } | null = null;
    const described: Session[] = [];
    for (const s of await this.upcomingFor(dealer, now, 8)) {
      const title = pairs.filter((p) => s.title.includes(p)).length;
      const description = pairs.filter((p) => !s.title.includes(p) && s.description.includes(p)).length;
      if (title === 0) {
        if (description > 0) described.push(s);
        continue;
      }
      const hits = title + description / 2;
      if (!best || hits > best.hits) best = { s, hits };
    }
    return best ? [best.s] : described.slice(0, NEED_OFFERS);
  }

  /** Every seat and waitlist place of the dealer, with its session (the console's dealer page). */
  forDealer(dealerCode: string) {
    return this.store.enrolmentsBetween(dealerCode, new Date(0), FAR_FUTURE);
  }

  async createSession(s: NewSession): Promise<Session> {
    return this.store.insertSession(s);
  }

  rosters(from: Date | null, limit = 50): Promise<SessionRoster[]> {
    return this.store.rosters(from, limit);
  }
}

/** The words of the day-before reminder (bot/replies implements them). */
export interface TrainingTexts {
  reminder(r: SessionReminder): string;
}

/**
 * The day-before reminder: every seat holder of a session starting tomorrow (Shanghai) is told once — the delivery
 * log remembers it across runs.
 */
export class TrainingReminders {
  constructor(
    private readonly ports: { store: TrainingStore; deliveries: DeliveryLog; queue: PushQueue; texts: TrainingTexts },
  ) {}

  async plan(now: Date): Promise<CarePlan> {
    const tomorrow = addDays(shanghaiDate(now), 1);
    const seats = await this.ports.store.seatsStartingBetween(
      shanghaiMidnight(tomorrow),
      shanghaiMidnight(addDays(tomorrow, 1)),
    );
    const pushes: Push[] = seats.map((r) => ({
      to: 'dealer',
      code: r.dealer.code,
      message: { kind: 'worded', body: this.ports.texts.reminder(r) },
      kind: REMINDER_KIND,
      dedupeKey: `${REMINDER_KIND}:${r.session.id}:${r.dealer.code}`,
      delivery: { kind: REMINDER_KIND, subject: r.dealer.code, key: String(r.session.id) },
    }));
    return { pushes, counts: { seats: seats.length, sessions: new Set(seats.map((s) => s.session.id)).size } };
  }

  async run(now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const plan = await this.plan(now);
    return { ...plan.counts, queued: await sendOnce(this.ports, plan.pushes, sendFrom > now ? sendFrom : now) };
  }
}
