import type { Kysely } from 'kysely';
import { shanghaiDate } from '../../core/common/time.js';
import {
  DEFAULT_HONOUR_RULES,
  type HonourPeriod,
  honourWinners,
  quarterPeriod,
  yearPeriod,
} from '../../core/honours/honour.rules.js';
import { FREE_TRAINING_TIERS, isTargeted } from '../../core/training/training.rules.js';
import type { Tier } from '../../core/dealers/tiers.js';
import { HonoursRepository } from '../repositories/honours.repository.js';
import type { Database } from '../schema.js';
import { COURSES, HONOUR_TITLES } from './content.js';
import { Prng } from './prng.js';

const MIN = 60_000;

/**
 * Enrolments in the demo's sessions: each course's `uptake` of the targeted active dealers, seats first, the rest
 * on the waitlist; seat holders of a session already held attended (about 4 in 5). Deterministic from `seed`.
 */
async function seedEnrolments(db: Kysely<Database>, now: Date, seed: number): Promise<number> {
  const rng = new Prng(seed ^ 0x7a11);
  const dealers = await db
    .selectFrom('dealers')
    .select(['code', 'tier', 'tags', 'manager_code'])
    .orderBy('code')
    .execute();
  const courses = await db
    .selectFrom('courses')
    .select(['id', 'title', 'starts_at', 'seats', 'fee_fen', 'target_tiers', 'target_tags'])
    .orderBy('id')
    .execute();
  const values: Array<{
    course_id: number;
    dealer_code: string;
    status: 'enrolled' | 'waitlisted';
    fee_fen: number;
    enrolled_at: Date;
    attended_at: Date | null;
    attended_by: string | null;
  }> = [];
  for (const c of courses) {
    const template = COURSES.find((t) => t.title === c.title);
    if (!template) continue;
    const session = { targetTiers: c.target_tiers as Tier[], targetTags: c.target_tags };
    const targeted = dealers.filter(
      (d) =>
        d.tier !== 'silent' &&
        isTargeted(session, { code: d.code, name: '', tier: d.tier, tags: d.tags, managerCode: d.manager_code }),
    );
    const chosen = rng.shuffle(targeted).slice(0, Math.max(1, Math.round(targeted.length * template.uptake)));
    const held = c.starts_at <= now;
    chosen.forEach((d, i) => {
      const enrolled = i < c.seats;
      const at = new Date(Math.min(now.getTime(), c.starts_at.getTime()) - (chosen.length - i) * 37 * MIN);
      const attended = held && enrolled && rng.next() < 0.8;
      values.push({
        course_id: c.id,
        dealer_code: d.code,
        status: enrolled ? 'enrolled' : 'waitlisted',
        fee_fen: FREE_TRAINING_TIERS.includes(d.tier) ? 0 : Number(c.fee_fen),
        enrolled_at: at,
        attended_at: attended ? new Date(c.starts_at.getTime() + 10 * MIN) : null,
        attended_by: attended ? d.manager_code : null,
      });
    });
  }
  for (let i = 0; i < values.length; i += 1000) {
    await db
      .insertInto('course_enrolments')
      .values(values.slice(i, i + 1000))
      .execute();
  }
  return values.length;
}

/** The finished periods the demo's honours cover: last year and this year's finished quarters. */
function finishedPeriods(now: Date): HonourPeriod[] {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  const doneQuarters = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
  return [yearPeriod(year - 1), ...Array.from({ length: doneQuarters }, (_, i) => quarterPeriod(year, i + 1))];
}

const fen = (v: number) => `¥${(v / 100).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/**
 * Honours by the published rules (core/honours) for the finished periods, as the honours job would have given
 * them (without announcements). Demo scores are computed later by the scoring job, so only the order-based rule
 * has winners at first.
 */
async function seedHonours(db: Kysely<Database>, now: Date): Promise<number> {
  const repo = new HonoursRepository(db);
  let n = 0;
  for (const period of finishedPeriods(now)) {
    const candidates = await repo.candidates(period);
    const winners = DEFAULT_HONOUR_RULES.flatMap((r) => honourWinners(r, period, candidates));
    const title = (name: string) =>
      (period.kind === 'year' ? HONOUR_TITLES.ruleYear : HONOUR_TITLES.ruleQuarter)
        .replaceAll('{year}', period.label.slice(0, 4))
        .replaceAll('{q}', period.label.slice(5))
        .replaceAll('{name}', name);
    const inserted = await repo.insertAwards(
      winners.map((w) => ({
        dealerCode: w.candidate.code,
        title: title(w.rule.name),
        awardedOn: period.end,
        ruleCode: w.rule.code,
        period: period.label,
        reason:
          w.rule.metric === 'collaboration'
            ? `协同评分均值 ${w.value}，${w.candidate.province}第一`
            : `订货额 ${fen(w.candidate.amountFen)}，同比增长 ${Math.round(w.value * 1000) / 10}%，${w.candidate.province}第一`,
      })),
    );
    n += inserted.length;
  }
  return n;
}

/** The growth part of the demo, derived from the inserted rows: enrolments and rule honours. */
export async function seedGrowth(db: Kysely<Database>, now: Date, seed: number): Promise<Record<string, number>> {
  return { course_enrolments: await seedEnrolments(db, now, seed), honours_by_rule: await seedHonours(db, now) };
}
