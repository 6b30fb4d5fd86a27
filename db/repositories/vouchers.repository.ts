import type { Kysely } from 'kysely';
import type { Voucher, VoucherIssuer } from '../../core/care/offers.js';
import type { Database } from '../schema.js';

/** Birthday and anniversary vouchers; `db` is the caller's transaction. Issuing one again is a no-op. */
export class VoucherRepository implements VoucherIssuer {
  constructor(private readonly db: Kysely<Database>) {}

  async issue(vouchers: readonly Voucher[], now: Date): Promise<number> {
    if (vouchers.length === 0) return 0;
    const rows = await this.db
      .insertInto('care_vouchers')
      .values(
        vouchers.map((v) => ({
          dealer_code: v.dealerCode,
          kind: v.kind,
          occasion: v.occasion,
          amount_fen: v.amountFen,
          min_order_fen: v.minOrderFen,
          valid_from: v.validFrom,
          valid_until: v.validUntil,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['dealer_code', 'kind', 'occasion']).doNothing())
      .returning('id')
      .execute();
    return rows.length;
  }
}
