import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { type Policy, parsePolicies } from '../../core/policies/policy.types.js';
import type { Database } from '../../db/schema.js';
import { isDatabaseEmpty, seedDemoData } from '../../db/seed/k-demo.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';

/** K's policies straight from the shipped file (independent of the repository under test). */
export const filePolicies: Policy[] = parsePolicies(
  readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'),
);

export function filePolicy<K extends Policy['kind']>(code: string, kind: K): Extract<Policy, { kind: K }> {
  const p = filePolicies.find((x) => x.code === code);
  if (!p || p.kind !== kind) throw new Error(`no ${kind} policy ${code} in policies.json`);
  return p as Extract<Policy, { kind: K }>;
}

/** The seeded test slice, or (while the shared test seed is still empty) a small K demo around TEST_NOW. */
export async function ensureDemoData(db: Kysely<Database>): Promise<void> {
  if (await isDatabaseEmpty(db)) await seedDemoData(db, { scale: 0.1, now: TEST_NOW });
}

/**
 * A dealer's qualifying amount for a period, computed directly in SQL (not through the repository or the engine):
 * non-cancelled orders placed on Asia/Shanghai dates start..end, lines net of their promotion discount, excluded
 * categories left out.
 */
export async function qualifyingFromDb(
  db: Kysely<Database>,
  dealerCode: string,
  period: { start: string; end: string },
  excludeCategories: readonly string[],
): Promise<number> {
  const excluded = excludeCategories.length ? excludeCategories : ['\u0000'];
  const r = await sql<{ total: string | number | null }>`
    select coalesce(sum(l.amount_fen - l.discount_fen), 0) as total
    from order_lines l join orders o on o.order_no = l.order_no
    where o.dealer_code = ${dealerCode}
      and o.status <> 'cancelled'
      and (o.placed_at at time zone 'Asia/Shanghai')::date between ${period.start}::date and ${period.end}::date
      and l.category <> all(${sql.val(excluded)}::text[])
  `.execute(db);
  return Number(r.rows[0]?.total ?? 0);
}
