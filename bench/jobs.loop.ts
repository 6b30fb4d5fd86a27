import { type Kysely, sql } from 'kysely';
import { fittingPolicies, type PeerFavourite, primaryTag } from '../core/care/activation.js';
import { anniversaryYears, sameDayOfYear } from '../core/care/calendar.js';
import {
  anniversaryBonusNotice,
  anniversaryMessage,
  birthdayMessage,
  replenishmentMessage,
  silentPlanMessage,
} from '../bot/replies/care.replies.js';
import type { AnniversaryBonus } from '../core/care/care.messages.js';
import { spreadSendTime } from '../core/care/quiet-hours.js';
import { adviseReplenishment, type StockPosition } from '../core/care/replenishment.js';
import { anniversaryBonusFen, anniversaryStatus } from '../core/policies/anniversary.js';
import { monthOf } from '../core/policies/dates.js';
import type { AnniversaryBonusPolicy } from '../core/policies/policy.types.js';
import { qualifyingAmount } from '../core/policies/qualifying.js';
import type { Notifier } from '../core/common/notifier.port.js';
import { addDays, shanghaiMidnight } from '../core/common/time.js';
import { CareRepository } from '../db/repositories/care.repository.js';
import type { Database } from '../db/schema.js';

/**
 * The straightforward version of the daily care rules, for the benchmark only: one dealer at a time, a few
 * queries per dealer (and per product), one Notifier call per message. Same rules and texts as the set-based jobs.
 */
export async function loopDaily(
  db: Kysely<Database>,
  date: string,
  now: Date,
  notifier: Notifier,
): Promise<Record<string, number>> {
  let seq = 0;
  const when = () => spreadSendTime(now, seq++, { perMinute: 120 });
  const counts: Record<string, number> = {
    birthday: 0,
    anniversary: 0,
    replenishment: 0,
    silent: 0,
  };
  const exists = async (key: string) =>
    (await db.selectFrom('outbox').select('id').where('dedupe_key', '=', key).executeTakeFirst()) !== undefined;
  const dealers = await db
    .selectFrom('dealers as d')
    .innerJoin('regions as r', 'r.id', 'd.region_id')
    .select(['d.code', 'd.name', 'd.tier', 'd.tags', 'd.manager_code', 'd.partnership_start', 'r.market_level'])
    .orderBy('d.code')
    .execute();
  const policies = await new CareRepository(db).activePolicies();
  const bonusPolicies = policies.filter((p): p is AnniversaryBonusPolicy => p.kind === 'anniversary_bonus');
  const month = monthOf(date);

  // Birthdays and anniversaries.
  for (const d of dealers) {
    const contacts = await db
      .selectFrom('dealer_contacts')
      .select(['name', 'birthday', 'is_primary', 'id'])
      .where('dealer_code', '=', d.code)
      .execute();
    const today = contacts
      .filter((c) => c.birthday && sameDayOfYear(c.birthday, date))
      .sort((a, b) => Number(b.is_primary) - Number(a.is_primary) || a.id - b.id);
    if (today.length) {
      if (
        await notifier.toDealer(d.code, birthdayMessage(today.map((c) => c.name)), {
          kind: 'care.birthday',
          dedupeKey: `care.birthday:${d.code}:${date}`,
          notBefore: when(),
        })
      )
        counts.birthday!++;
    }
    const years = anniversaryYears(d.partnership_start, date);
    const policy = bonusPolicies.find((p) => anniversaryStatus(p, d.partnership_start, date).isThisMonth);
    const noticeKey = `care.anniversary.bonus:${d.code}:${date.slice(0, 7)}`;
    let bonus: AnniversaryBonus | null = null;
    const announced =
      policy &&
      ((await exists(noticeKey)) ||
        (await exists(
          `care.anniversary:${d.code}:${anniversaryStatus(policy, d.partnership_start, date).anniversaryDate}`,
        )));
    if (policy && !announced) {
      const lines = await db
        .selectFrom('orders as o')
        .innerJoin('order_lines as l', 'l.order_no', 'o.order_no')
        .select(['o.placed_at', 'o.status', 'l.category', 'l.amount_fen'])
        .where('o.dealer_code', '=', d.code)
        .where('o.placed_at', '>=', shanghaiMidnight(month.start))
        .where('o.placed_at', '<', now)
        .execute();
      const q = qualifyingAmount(
        lines.map((l) => ({
          placedAt: l.placed_at,
          orderStatus: l.status,
          category: l.category,
          amountFen: l.amount_fen,
        })),
        { period: { start: month.start, end: date }, excludeCategories: policy.excludeCategories },
      );
      bonus = {
        policyName: policy.name,
        rate: policy.bonusRate,
        month: Number(date.slice(5, 7)),
        amountFen: q.amountFen,
        bonusFen: anniversaryBonusFen(policy, q.amountFen),
        excludedCategories: policy.excludeCategories,
      };
    }
    if (years !== null) {
      const sent = await notifier.toDealer(d.code, anniversaryMessage(d.name, years, d.partnership_start, bonus), {
        kind: 'care.anniversary',
        dedupeKey: `care.anniversary:${d.code}:${date}`,
        notBefore: when(),
      });
      if (sent) counts.anniversary!++;
    } else if (bonus && policy) {
      const status = anniversaryStatus(policy, d.partnership_start, date);
      if (
        await notifier.toDealer(d.code, anniversaryBonusNotice(d.name, status.anniversaryDate, bonus), {
          kind: 'care.anniversary.bonus',
          dedupeKey: noticeKey,
          notBefore: when(),
        })
      )
        counts.anniversary!++;
    }
  }

  // Replenishment, then anomalies (per dealer, per product).
  const positionsOf = async (code: string): Promise<StockPosition[]> => {
    const inv = await db
      .selectFrom('dealer_inventory as i')
      .innerJoin('products as p', 'p.sku', 'i.sku')
      .select(['i.sku', 'p.name', 'p.unit', 'i.qty', 'p.lead_time_days', 'p.moq', 'p.order_multiple'])
      .where('i.dealer_code', '=', code)
      .orderBy('i.sku')
      .execute();
    const out: StockPosition[] = [];
    for (const i of inv) {
      const { rows } = await sql<{ qty: number | null }>`
        select sum(qty) as qty from sell_through
        where dealer_code = ${code} and sku = ${i.sku} and day >= ${date}::date - 30 and day < ${date}::date`.execute(
        db,
      );
      out.push({
        sku: i.sku,
        name: i.name,
        unit: i.unit,
        onHand: i.qty,
        sold30: Number(rows[0]?.qty ?? 0),
        leadTimeDays: i.lead_time_days,
        moq: i.moq,
        orderMultiple: i.order_multiple,
      });
    }
    return out;
  };
  for (const d of dealers) {
    const positions = await positionsOf(d.code);
    const advice = adviseReplenishment(positions);
    if (advice.length) {
      let recent = false;
      for (let i = 0; i < 3 && !recent; i++) recent = await exists(`care.replenishment:${d.code}:${addDays(date, -i)}`);
      if (
        !recent &&
        (await notifier.toDealer(d.code, replenishmentMessage(d.name, advice.slice(0, 5)), {
          kind: 'care.replenishment',
          dedupeKey: `care.replenishment:${d.code}:${date}`,
          notBefore: when(),
        }))
      )
        counts.replenishment!++;
    }
  }

  // Silent dealers.
  const since = new Date(`${date}T00:00:00+08:00`);
  for (const d of dealers) {
    const last = await db
      .selectFrom('orders')
      .select('placed_at')
      .where('dealer_code', '=', d.code)
      .where('status', '<>', 'cancelled')
      .where('placed_at', '<', since)
      .orderBy('placed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const lastDay = last ? new Date(last.placed_at.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : null;
    const days = lastDay ? Math.round((Date.parse(date) - Date.parse(lastDay)) / 86_400_000) : null;
    const partnerDays = Math.round((Date.parse(date) - Date.parse(d.partnership_start)) / 86_400_000);
    if (days === null ? partnerDays < 90 : days < 90) continue;
    const orders = await db
      .selectFrom('orders')
      .select(['order_no', 'placed_at', 'total_fen'])
      .where('dealer_code', '=', d.code)
      .where('status', '<>', 'cancelled')
      .orderBy('placed_at', 'desc')
      .orderBy('order_no', 'desc')
      .limit(3)
      .execute();
    const past = [];
    for (const o of orders) {
      const lines = await db
        .selectFrom('order_lines as l')
        .innerJoin('products as p', 'p.sku', 'l.sku')
        .select('p.name')
        .where('l.order_no', '=', o.order_no)
        .orderBy('l.amount_fen', 'desc')
        .orderBy('l.line_no')
        .limit(3)
        .execute();
      past.push({
        date: new Date(o.placed_at.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
        amountFen: o.total_fen,
        products: lines.map((l) => l.name),
      });
    }
    const tag = primaryTag(d.tags);
    const peersFor = async (t: string): Promise<PeerFavourite[]> => {
      const { rows } = await sql<{ name: string; amount: number }>`
        select p.name, sum(l.amount_fen) as amount
        from orders o join order_lines l on l.order_no = o.order_no join dealers d2 on d2.code = o.dealer_code
        join regions r on r.id = d2.region_id join products p on p.sku = l.sku
        where o.status <> 'cancelled' and o.placed_at >= ${since}::timestamptz - interval '90 days' and o.placed_at < ${since}
          and r.market_level = ${d.market_level} ${t ? sql`and ${t} = any(d2.tags)` : sql``}
        group by p.name`.execute(db);
      const total = rows.reduce((s, r) => s + Number(r.amount), 0);
      return rows
        .map((r) => ({ name: r.name, amountFen: Number(r.amount) }))
        .sort((a, b) => b.amountFen - a.amountFen || a.name.localeCompare(b.name))
        .slice(0, 3)
        .map((x) => ({ name: x.name, sharePct: total > 0 ? Math.round((100 * x.amountFen) / total) : 0 }));
    };
    let peers = tag ? await peersFor(tag) : [];
    if (!peers.length) peers = await peersFor('');
    const body = silentPlanMessage(
      {
        code: d.code,
        name: d.name,
        tier: d.tier,
        tags: tag ? [tag] : [],
        marketLevel: d.market_level,
        lastOrderDate: lastDay,
        daysSinceLastOrder: days,
      },
      past,
      peers,
      fittingPolicies(policies, { tier: 'silent', tags: d.tags }),
    );
    if (
      await notifier.toManager(d.manager_code, body, {
        kind: 'care.silent',
        dedupeKey: `care.silent:${d.code}:${date.slice(0, 7)}`,
        notBefore: when(),
      })
    )
      counts.silent!++;
  }
  return counts;
}
