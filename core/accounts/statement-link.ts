import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a printable statement link names: the dealer, the period spec and when the link stops working. */
export interface StatementLinkClaims {
  dealerCode: string;
  /** 'YYYY-MM' or 'YYYY-Qn'. */
  period: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type LinkCheck = { ok: true; claims: StatementLinkClaims } | { ok: false; reason: 'bad_signature' | 'expired' };

const payload = (c: StatementLinkClaims) => `${c.dealerCode}|${c.period}|${c.exp}`;

/**
 * Signed, expiring links to a dealer's printable statement: HMAC-SHA256 over dealer, period and expiry with a
 * configured secret, so a link cannot be edited to show another dealer or period, or used after it expires.
 *
 * @example
 * const links = new StatementLinks(secret, 72);
 * const q = links.sign('D0012', '2026-11', now); // { exp, sig }
 * links.verify({ dealerCode: 'D0012', period: '2026-11', exp: q.exp }, q.sig, now); // { ok: true, … }
 */
export class StatementLinks {
  constructor(
    private readonly secret: string,
    readonly ttlHours: number,
  ) {
    if (secret.length < 16) throw new RangeError('statement link secret must be at least 16 characters');
  }

  private mac(c: StatementLinkClaims): string {
    return createHmac('sha256', this.secret).update(payload(c)).digest('base64url');
  }

  sign(dealerCode: string, period: string, now: Date): { exp: number; sig: string } {
    const exp = Math.floor(now.getTime() / 1000) + this.ttlHours * 3600;
    return { exp, sig: this.mac({ dealerCode, period, exp }) };
  }

  /** A tampered claim or signature fails before expiry is looked at (an expired forged link is still forged). */
  verify(claims: StatementLinkClaims, sig: string, now: Date): LinkCheck {
    const want = Buffer.from(this.mac(claims));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad_signature' };
    if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }
}
