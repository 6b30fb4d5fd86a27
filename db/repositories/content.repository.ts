import type { Kysely } from 'kysely';
import type { CareContent, Course } from '../../core/care/content.port.js';
import type { SuccessCase } from '../../core/care/success-case.js';
import type { Database } from '../schema.js';
import { honourTitlesOf } from './honours.repository.js';

export class KyselyCareContent implements CareContent {
  constructor(private readonly db: Kysely<Database>) {}

  async upcomingCourses(from: Date, limit: number): Promise<Course[]> {
    const rows = await this.db
      .selectFrom('courses')
      .select(['title', 'description', 'starts_at', 'mode'])
      .where('starts_at', '>=', from)
      .orderBy('starts_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ title: r.title, description: r.description, startsAt: r.starts_at, mode: r.mode }));
  }

  async successCases(): Promise<SuccessCase[]> {
    const rows = await this.db
      .selectFrom('success_cases')
      .select(['id', 'title', 'body', 'tags', 'tier', 'dealer_code'])
      .orderBy('id')
      .execute();
    const honours = await honourTitlesOf(
      this.db,
      rows.flatMap((r) => (r.dealer_code ? [r.dealer_code] : [])),
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      tags: r.tags,
      tier: r.tier,
      dealerCode: r.dealer_code,
      honours: r.dealer_code ? (honours.get(r.dealer_code) ?? []) : [],
    }));
  }
}
