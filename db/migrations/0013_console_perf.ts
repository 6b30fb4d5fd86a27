import { type Kysely, sql } from 'kysely';

/**
 * Console speed at scale (issue 16).
 * - `dealer_order_months`: each dealer's not-cancelled orders per Shanghai month and source (count, amount), kept by
 *   statement-level triggers on `orders`, so every writer (chat, ERP and file imports, the seed) keeps it exact in
 *   the writing transaction; the overview reads it instead of scanning the order history.
 * - `dealer_last_orders`: each dealer's newest not-cancelled order time, kept by the same triggers: "last order" and
 *   "silent (no order in 90 days)" read 6,000 rows instead of probing the orders of each dealer.
 * - `orders_dealer_live`: a dealer's not-cancelled orders by time, with the amount: the 12-month amount is an
 *   index-only range per listed dealer.
 * - `outbox_sending`: the dispatcher's claim checks, per candidate, whether its recipient has a send in flight.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table dealer_order_months (
      dealer_code text not null,
      month date not null,
      source text not null,
      orders int not null,
      amount_fen bigint not null,
      primary key (dealer_code, month, source)
    )`.execute(db);
  await sql`create index dealer_order_months_month on dealer_order_months(month)`.execute(db);
  await sql`
    create table dealer_last_orders (
      dealer_code text primary key,
      last_order_at timestamptz not null
    )`.execute(db);
  // A cancel, a rewrite or a delete may take a dealer's newest order away: those dealers are recomputed. The row lock
  // comes first, so a concurrent insert's greatest() waits for it and the max below sees every earlier commit (read
  // committed: each statement takes a new snapshot).
  await sql`
    create function dealer_last_orders_refresh(codes text[]) returns void language plpgsql as $$
    begin
      perform 1 from dealer_last_orders where dealer_code = any(codes) order by dealer_code for update;
      delete from dealer_last_orders l
      where l.dealer_code = any(codes)
        and not exists (select 1 from orders o where o.dealer_code = l.dealer_code and o.status <> 'cancelled');
      insert into dealer_last_orders as l (dealer_code, last_order_at)
      select c.code, m.at
      from (select distinct unnest(codes) as code) c
      cross join lateral (
        select max(o.placed_at) as at from orders o where o.dealer_code = c.code and o.status <> 'cancelled') m
      where m.at is not null
      order by 1
      on conflict (dealer_code) do update set last_order_at = excluded.last_order_at;
    end $$`.execute(db);
  // One function for the three triggers: each branch reads only the transition tables its event has.
  await sql`
    create function dealer_order_months_apply() returns trigger language plpgsql as $$
    begin
      -- Keys in one order: two writers of the same dealers lock their summary rows in the same sequence.
      if tg_op = 'INSERT' then
        insert into dealer_order_months as s (dealer_code, month, source, orders, amount_fen)
        select dealer_code, (date_trunc('month', placed_at at time zone 'Asia/Shanghai'))::date, source,
               count(*), sum(total_fen)
        from new_rows where status <> 'cancelled'
        group by 1, 2, 3 order by 1, 2, 3
        on conflict (dealer_code, month, source) do update
          set orders = s.orders + excluded.orders, amount_fen = s.amount_fen + excluded.amount_fen;
        insert into dealer_last_orders as l (dealer_code, last_order_at)
        select dealer_code, max(placed_at) from new_rows where status <> 'cancelled'
        group by 1 order by 1
        on conflict (dealer_code) do update set last_order_at = greatest(l.last_order_at, excluded.last_order_at);
      else
        insert into dealer_order_months as s (dealer_code, month, source, orders, amount_fen)
        select dealer_code, month, source, sum(n), sum(amount)
        from (
          select dealer_code, (date_trunc('month', placed_at at time zone 'Asia/Shanghai'))::date as month, source,
                 -1 as n, -total_fen as amount
          from old_rows where status <> 'cancelled'
          union all
          select dealer_code, (date_trunc('month', placed_at at time zone 'Asia/Shanghai'))::date, source,
                 1, total_fen
          from new_rows where status <> 'cancelled'
        ) d
        group by 1, 2, 3
        having sum(n) <> 0 or sum(amount) <> 0
        order by 1, 2, 3
        on conflict (dealer_code, month, source) do update
          set orders = s.orders + excluded.orders, amount_fen = s.amount_fen + excluded.amount_fen;
        delete from dealer_order_months s
        where s.orders = 0 and s.dealer_code in (select dealer_code from old_rows);
        -- Only orders whose dealer, status or time changed can move a last order (a shipment does not).
        perform dealer_last_orders_refresh(array(
          select o.dealer_code from old_rows o left join new_rows n on n.order_no = o.order_no
          where n.order_no is null
             or (o.dealer_code, o.status, o.placed_at) is distinct from (n.dealer_code, n.status, n.placed_at)
          union
          select n.dealer_code from new_rows n left join old_rows o on o.order_no = n.order_no
          where o.order_no is null
             or (o.dealer_code, o.status, o.placed_at) is distinct from (n.dealer_code, n.status, n.placed_at)));
      end if;
      return null;
    end $$`.execute(db);
  // DELETE has no new_rows: its trigger gets a function that never reads them.
  await sql`
    create function dealer_order_months_delete() returns trigger language plpgsql as $$
    begin
      insert into dealer_order_months as s (dealer_code, month, source, orders, amount_fen)
      select dealer_code, (date_trunc('month', placed_at at time zone 'Asia/Shanghai'))::date, source,
             -count(*), -sum(total_fen)
      from old_rows where status <> 'cancelled'
      group by 1, 2, 3 order by 1, 2, 3
      on conflict (dealer_code, month, source) do update
        set orders = s.orders + excluded.orders, amount_fen = s.amount_fen + excluded.amount_fen;
      delete from dealer_order_months s
      where s.orders = 0 and s.dealer_code in (select dealer_code from old_rows);
      perform dealer_last_orders_refresh(array(select distinct dealer_code from old_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger orders_months_insert after insert on orders referencing new table as new_rows
    for each statement execute function dealer_order_months_apply()`.execute(db);
  await sql`
    create trigger orders_months_update after update on orders referencing old table as old_rows new table as new_rows
    for each statement execute function dealer_order_months_apply()`.execute(db);
  await sql`
    create trigger orders_months_delete after delete on orders referencing old table as old_rows
    for each statement execute function dealer_order_months_delete()`.execute(db);
  await sql`
    insert into dealer_order_months (dealer_code, month, source, orders, amount_fen)
    select dealer_code, (date_trunc('month', placed_at at time zone 'Asia/Shanghai'))::date, source,
           count(*), sum(total_fen)
    from orders where status <> 'cancelled'
    group by 1, 2, 3`.execute(db);
  await sql`
    insert into dealer_last_orders (dealer_code, last_order_at)
    select dealer_code, max(placed_at) from orders where status <> 'cancelled' group by 1`.execute(db);

  await sql`
    create index orders_dealer_live on orders(dealer_code, placed_at) include (total_fen)
    where status <> 'cancelled'`.execute(db);
  await sql`create index outbox_sending on outbox(route, address, locked_until) where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_sending`.execute(db);
  await sql`drop index orders_dealer_live`.execute(db);
  await sql`drop trigger orders_months_delete on orders`.execute(db);
  await sql`drop trigger orders_months_update on orders`.execute(db);
  await sql`drop trigger orders_months_insert on orders`.execute(db);
  await sql`drop function dealer_order_months_delete()`.execute(db);
  await sql`drop function dealer_order_months_apply()`.execute(db);
  await sql`drop function dealer_last_orders_refresh(text[])`.execute(db);
  await sql`drop table dealer_last_orders`.execute(db);
  await sql`drop table dealer_order_months`.execute(db);
}
