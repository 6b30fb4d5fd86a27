import { sql } from 'kysely';
// Frozen. Promotion discounts (满减) on chat orders: the order's total and each line's share, so that
// orders.total_fen = Σ order_lines.amount_fen − orders.discount_fen and rebates count each line net of its share.
export async function up(db) {
    await sql `alter table orders add column discount_fen bigint not null default 0 check (discount_fen >= 0)`.execute(db);
    await sql `alter table order_lines add column discount_fen bigint not null default 0 check (discount_fen >= 0 and discount_fen <= amount_fen)`.execute(db);
}
export async function down(db) {
    await sql `alter table order_lines drop column discount_fen`.execute(db);
    await sql `alter table orders drop column discount_fen`.execute(db);
}
//# sourceMappingURL=0003_order_discount.js.map