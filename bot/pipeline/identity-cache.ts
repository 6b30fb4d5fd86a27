import type { IdentityDirectory } from '../../core/messaging/ports.js';
import type { Channel, Identity } from '../../core/messaging/types.js';

/** How long a dealer's identity is trusted without reading it again (see `IdentityCache`). */
export const IDENTITY_TTL_MS = 10_000;
const MAX_ENTRIES = 20_000;

/**
 * Who is behind a channel account, remembered per process for a short time so a sender's message does not read
 * `channel_identities` ⋈ dealers ⋈ managers every turn.
 *
 * Invalidation is by time, not by event: a binding, a dealer's tier or manager, a manager's role can change on any
 * instance (chat binding, imports, re-tiering, the console) and nothing here hears of it, so an entry lives
 * `ttlMs` (10 s) and a change is seen by every instance within that. Only dealers are kept (most of the traffic;
 * their bindings are only ever added): an unbound account is read every time, so a binding made on another instance
 * counts from the next message, and so is a manager, whose KF binding can be revoked (console, API) and must
 * stop working at once. The clock is
 * monotonic (performance.now), never the business clock a test may move.
 */
export class IdentityCache {
  private readonly entries = new Map<string, { identity: Identity; until: number }>();

  constructor(
    private readonly ttlMs = IDENTITY_TTL_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The account's identity: remembered, or read from `directory` (and remembered when a dealer). */
  async resolve(directory: IdentityDirectory, channel: Channel, externalId: string): Promise<Identity> {
    const [identity] = await this.resolveAll(directory, [{ channel, externalId }]);
    return identity!;
  }

  /** Several accounts' identities, in order: those not remembered are read in one look-up. */
  async resolveAll(
    directory: IdentityDirectory,
    accounts: readonly { channel: Channel; externalId: string }[],
  ): Promise<Identity[]> {
    const now = this.clock();
    const keys = accounts.map((a) => `${a.channel}:${a.externalId}`);
    const out = keys.map((k) => {
      const hit = this.entries.get(k);
      return hit && hit.until > now ? hit.identity : undefined;
    });
    const missing = out.flatMap((identity, i) => (identity ? [] : [i]));
    if (missing.length === 0) return out as Identity[];
    const read =
      missing.length === 1
        ? [await directory.resolve(accounts[missing[0]!]!.channel, accounts[missing[0]!]!.externalId)]
        : await directory.resolveAll(missing.map((i) => accounts[i]!));
    missing.forEach((i, j) => {
      const identity = read[j]!;
      out[i] = identity;
      this.entries.delete(keys[i]!);
      if (identity.kind === 'dealer' && this.ttlMs > 0) {
        // Insertion order is age order: past the cap, the oldest entry goes.
        if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(keys[i]!, { identity, until: now + this.ttlMs });
      }
    });
    return out as Identity[];
  }
}
