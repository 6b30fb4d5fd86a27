import { isTargeted } from '../policies/targeting.js';
import type { Policy, Tier } from '../policies/policy.types.js';

export interface SilentDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: readonly string[];
  marketLevel: string;
  lastOrderDate: string | null;
  daysSinceLastOrder: number | null;
}

export interface PastOrder {
  date: string;
  amountFen: number;
  /** Product names of the order's biggest lines. */
  products: readonly string[];
}

/** What active dealers of the same market level (and main tag) bought most in the last 90 days. */
export interface PeerFavourite {
  name: string;
  sharePct: number;
}

/** The dealer's most telling derived tag, used to find similar dealers. */
export function primaryTag(tags: readonly string[]): string {
  for (const t of ['门窗专长', '橱柜专长', '工程渠道', '下沉市场', '零售终端']) if (tags.includes(t)) return t;
  return '';
}

/** Active policies a silent dealer is targeted by (by tier and tags), to open the conversation with. */
export function fittingPolicies(
  policies: readonly Policy[],
  dealer: { tier: Tier; tags: readonly string[] },
): Policy[] {
  return policies.filter((p) => p.kind !== 'anniversary_bonus' && isTargeted(p, dealer));
}

const TOP_PEER_PRODUCTS = 3;

/** Top products of similar active dealers, per (market level, tag); '' = the whole market level. */
export function peerFavourites(
  rows: ReadonlyArray<{ marketLevel: string; tag: string; name: string; amountFen: number }>,
): Map<string, PeerFavourite[]> {
  const groups = new Map<string, Array<{ name: string; amountFen: number }>>();
  for (const r of rows) {
    const k = `${r.marketLevel}|${r.tag}`;
    const g = groups.get(k) ?? [];
    g.push(r);
    groups.set(k, g);
  }
  const out = new Map<string, PeerFavourite[]>();
  for (const [k, g] of groups) {
    const total = g.reduce((s, x) => s + x.amountFen, 0);
    out.set(
      k,
      g
        .sort((a, b) => b.amountFen - a.amountFen || a.name.localeCompare(b.name))
        .slice(0, TOP_PEER_PRODUCTS)
        .map((x) => ({ name: x.name, sharePct: total > 0 ? Math.round((100 * x.amountFen) / total) : 0 })),
    );
  }
  return out;
}
