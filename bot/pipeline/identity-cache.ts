import type { IdentityDirectory } from '../../core/messaging/ports.js';
import type { Channel, Identity } from '../../core/messaging/types.js';

/** How long a bound identity is trusted without reading it again (see `IdentityCache`). */
export const IDENTITY_TTL_MS = 10_000;
const MAX_ENTRIES = 20_000;

/**
 * Who is behind a channel account, remembered per process for a short time so a sender's message does not read
 * `channel_identities` ⋈ dealers ⋈ managers every turn.
 *
 * Invalidation is by time, not by event: a binding, a dealer's tier or manager, a manager's role can change on any
 * instance (chat binding, imports, re-tiering, the console) and nothing here hears of it, so an entry lives
 * `ttlMs` (10 s) and a change is seen by every instance within that. Only bound identities are kept: an unbound
 * account is read every time, so a binding made on another instance counts from the next message. The clock is
 * monotonic (performance.now), never the business clock a test may move.
 */
export class IdentityCache {
  private readonly entries = new Map<string, { identity: Identity; until: number }>();

  constructor(
    private readonly ttlMs = IDENTITY_TTL_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The account's identity: remembered, or read from `directory` (and remembered when bound). */
  async resolve(directory: IdentityDirectory, channel: Channel, externalId: string): Promise<Identity> {
    const key = `${channel}:${externalId}`;
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.identity;
    const identity = await directory.resolve(channel, externalId);
    this.entries.delete(key);
    if (identity.kind !== 'unbound' && this.ttlMs > 0) {
      // Insertion order is age order: past the cap, the oldest entry goes.
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { identity, until: now + this.ttlMs });
    }
    return identity;
  }
}
