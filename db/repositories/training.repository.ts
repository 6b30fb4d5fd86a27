import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Tier } from '../../core/dealers/tiers.js';
import type { TrainingStore } from '../../core/training/ports.js';
import type {
  Enrolment,
  EnrolmentStatus,
  NewSession,
  Session,
  SessionRoster,
  TrainingDealer,
} from '../../core/training/training.types.js';
import type { Database } from '../schema.js';
import { dealerInScope } from './dealer-search.repository.js';

interface SessionRow {
  id: number;
  title: string;
  description: string;
  starts_at: Date;
  mode: string;
  seats: number;
  fee_fen: number;
  target_tiers: string[];
  target_tags: string[];
  location: string | null;
  enrolled: number;
  waitlisted: number;
}

const toSession = (r: SessionRow): Session => ({
  id: Number(r.id),
  title: r.title,
  description: r.description,
  startsAt: r.starts_at,
  mode: r.mode,
  seats: Number(r.seats),
  feeFen: Number(r.fee_fen),
  targetTiers: r.target_tiers as Tier[],
  targetTags: r.target_tags,
  location: r.location,
  enrolled: Number(r.enrolled),
  waitlisted: Number(r.waitlisted),
});

interface EnrolmentRow {
  id: number;
  course_id: number;
  dealer_code: string;
  status: EnrolmentStatus;
  fee_fen: number;
  enrolled_at: Date;
  attended_at: Date | null;
  attended_by: string | null;
}

const toEnrolment = (r: EnrolmentRow): Enrolment => ({
  id: Number(r.id),
  courseId: Number(r.course_id),
  dealerCode: r.dealer_code,
  status: r.status,
  feeFen: Number(r.fee_fen),
  enrolledAt: r.enrolled_at,
  attendedAt: r.attended_at,
  attendedBy: r.attended_by,
});

const ENROLMENT_COLUMNS = [
  'e.id',
  'e.course_id',
  'e.dealer_code',
  'e.status',
  'e.fee_fen',
  'e.enrolled_at',
  'e.attended_at',
  'e.attended_by',
] as const;

const toDealer = (r: {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  manager_code: string;
}): TrainingDealer => ({
  code: r.code,
  name: r.name,
  tier: r.tier,
  tags: r.tags,
  managerCode: r.manager_code,
});

/** core/training's TrainingStore on Kysely (courses, course_enrolments). */
export class TrainingRepository implements TrainingStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Sessions with their seat counts. */
  private sessions(): SelectQueryBuilder<Database, 'courses', SessionRow> {
    return this.db
      .selectFrom('courses')
      .select([
        'courses.id',
        'courses.title',
        'courses.description',
        'courses.starts_at',
        'courses.mode',
        'courses.seats',
        'courses.fee_fen',
        'courses.target_tiers',
        'courses.target_tags',
        'courses.location',
        sql<number>`(select count(*) from course_enrolments x where x.course_id = courses.id and x.status = 'enrolled')::int`.as(
          'enrolled',
        ),
        sql<number>`(select count(*) from course_enrolments x where x.course_id = courses.id and x.status = 'waitlisted')::int`.as(
          'waitlisted',
        ),
      ]) as unknown as SelectQueryBuilder<Database, 'courses', SessionRow>;
  }

  async dealer(code: string): Promise<TrainingDealer | null> {
    const r = await this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'tags', 'manager_code'])
      .where('code', '=', code)
      .executeTakeFirst();
    return r ? toDealer(r) : null;
  }

  async dealerForManager(managerCode: string, dealerCode: string): Promise<TrainingDealer | null> {
    const m = await this.db
      .selectFrom('managers')
      .select(['code', 'role'])
      .where('code', '=', managerCode)
      .executeTakeFirst();
    if (!m) return null;
    const r = await this.db
      .selectFrom('dealers as d')
      .select(['d.code', 'd.name', 'd.tier', 'd.tags', 'd.manager_code'])
      .where('d.code', '=', dealerCode)
      .where(dealerInScope(m))
      .executeTakeFirst();
    return r ? toDealer(r) : null;
  }

  async upcoming(from: Date, limit: number): Promise<Session[]> {
    const rows = await this.sessions()
      .where('courses.starts_at', '>=', from)
      .orderBy('courses.starts_at')
      .orderBy('courses.id')
      .limit(limit)
      .execute();
    return rows.map(toSession);
  }

  async session(id: number): Promise<Session | null> {
    const r = await this.sessions().where('courses.id', '=', id).executeTakeFirst();
    return r ? toSession(r) : null;
  }

  async lockSession(id: number): Promise<void> {
    await this.db.selectFrom('courses').select('id').where('id', '=', id).forUpdate().execute();
  }

  async enrolment(courseId: number, dealerCode: string): Promise<Enrolment | null> {
    const r = await this.db
      .selectFrom('course_enrolments as e')
      .select(ENROLMENT_COLUMNS)
      .where('e.course_id', '=', courseId)
      .where('e.dealer_code', '=', dealerCode)
      .executeTakeFirst();
    return r ? toEnrolment(r) : null;
  }

  async insertEnrolment(e: {
    courseId: number;
    dealerCode: string;
    status: EnrolmentStatus;
    feeFen: number;
    at: Date;
  }): Promise<Enrolment> {
    const r = await this.db
      .insertInto('course_enrolments')
      .values({
        course_id: e.courseId,
        dealer_code: e.dealerCode,
        status: e.status,
        fee_fen: e.feeFen,
        enrolled_at: e.at,
      })
      .returning(['id', 'course_id', 'dealer_code', 'status', 'fee_fen', 'enrolled_at', 'attended_at', 'attended_by'])
      .executeTakeFirstOrThrow();
    return toEnrolment(r);
  }

  async enrolmentsBetween(dealerCode: string, from: Date, to: Date) {
    const rows = await this.db
      .selectFrom('course_enrolments as e')
      .select(ENROLMENT_COLUMNS)
      .innerJoin('courses as c', 'c.id', 'e.course_id')
      .where('e.dealer_code', '=', dealerCode)
      .where('c.starts_at', '>=', from)
      .where('c.starts_at', '<', to)
      .orderBy('c.starts_at')
      .execute();
    const out: Array<{ session: Session; enrolment: Enrolment }> = [];
    for (const r of rows) {
      const session = await this.session(Number(r.course_id));
      if (session) out.push({ session, enrolment: toEnrolment(r) });
    }
    return out;
  }

  async deleteEnrolment(enrolmentId: number): Promise<void> {
    await this.db.deleteFrom('course_enrolments').where('id', '=', enrolmentId).execute();
  }

  async firstWaitlisted(courseId: number): Promise<Enrolment | null> {
    const r = await this.db
      .selectFrom('course_enrolments as e')
      .select(ENROLMENT_COLUMNS)
      .where('e.course_id', '=', courseId)
      .where('e.status', '=', 'waitlisted')
      .orderBy('e.enrolled_at')
      .orderBy('e.id')
      .limit(1)
      .executeTakeFirst();
    return r ? toEnrolment(r) : null;
  }

  async promote(enrolmentId: number): Promise<Enrolment> {
    const r = await this.db
      .updateTable('course_enrolments as e')
      .set({ status: 'enrolled' })
      .where('e.id', '=', enrolmentId)
      .returning(ENROLMENT_COLUMNS)
      .executeTakeFirstOrThrow();
    return toEnrolment(r);
  }

  async markAttended(enrolmentId: number, at: Date, by: string): Promise<Enrolment> {
    const r = await this.db
      .updateTable('course_enrolments as e')
      .set({ attended_at: at, attended_by: by })
      .where('e.id', '=', enrolmentId)
      .returning(ENROLMENT_COLUMNS)
      .executeTakeFirstOrThrow();
    return toEnrolment(r);
  }

  async seatsStartingBetween(from: Date, to: Date) {
    const sessions = (
      await this.sessions()
        .where('courses.starts_at', '>=', from)
        .where('courses.starts_at', '<', to)
        .orderBy('courses.id')
        .execute()
    ).map(toSession);
    if (sessions.length === 0) return [];
    const rows = await this.db
      .selectFrom('course_enrolments as e')
      .innerJoin('dealers as d', 'd.code', 'e.dealer_code')
      .select([...ENROLMENT_COLUMNS, 'd.name', 'd.tier', 'd.tags', 'd.manager_code'])
      .where(
        'e.course_id',
        'in',
        sessions.map((s) => s.id),
      )
      .where('e.status', '=', 'enrolled')
      .orderBy('e.course_id')
      .orderBy('e.dealer_code')
      .execute();
    return rows.map((r) => ({
      session: sessions.find((s) => s.id === Number(r.course_id))!,
      enrolment: toEnrolment(r),
      dealer: toDealer({ code: r.dealer_code, name: r.name, tier: r.tier, tags: r.tags, manager_code: r.manager_code }),
    }));
  }

  async insertSession(s: NewSession): Promise<Session> {
    const r = await this.db
      .insertInto('courses')
      .values({
        title: s.title,
        description: s.description,
        starts_at: s.startsAt,
        mode: s.mode,
        seats: s.seats,
        fee_fen: s.feeFen,
        target_tiers: s.targetTiers,
        target_tags: s.targetTags,
        location: s.location,
        tags: s.tags,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.session(Number(r.id)))!;
  }

  async rosters(from: Date | null, limit: number): Promise<SessionRoster[]> {
    let q = this.sessions();
    if (from) q = q.where('courses.starts_at', '>=', from);
    const sessions = (await q.orderBy('courses.starts_at').orderBy('courses.id').limit(limit).execute()).map(toSession);
    if (sessions.length === 0) return [];
    const rows = await this.db
      .selectFrom('course_enrolments as e')
      .innerJoin('dealers as d', 'd.code', 'e.dealer_code')
      .select([...ENROLMENT_COLUMNS, 'd.name', 'd.tier'])
      .where(
        'e.course_id',
        'in',
        sessions.map((s) => s.id),
      )
      .orderBy('e.status')
      .orderBy('e.enrolled_at')
      .orderBy('e.id')
      .execute();
    return sessions.map((session) => ({
      session,
      enrolments: rows
        .filter((r) => Number(r.course_id) === session.id)
        .map((r) => ({ ...toEnrolment(r), dealerName: r.name, tier: r.tier })),
    }));
  }
}
