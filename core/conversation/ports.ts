/**
 * Where a chat's conversation state lives between turns. The state itself is the dialogue's business (bot/dialog);
 * the store only keeps it, per sender key, until it expires.
 *
 * @example
 * await store.save('wecom:zhangsan', { awaiting: 'order_confirm', draftId }, now, expiresAt);
 * const saved = await store.load('wecom:zhangsan'); // { state, expiresAt } or undefined
 */
export interface ConversationStore<S = unknown> {
  load(sender: string): Promise<{ state: S; expiresAt: Date } | undefined>;
  /**
   * What a turn starts from, in one read: the stored state (as `load`) and, given a dealer's `rating` lookup
   * (core/needs `ratingLookup`), the need awaiting their rating (as `NeedStore.awaitingRating`). In a transaction
   * whose `InboundStore.take` read the sender's turn ahead with the same lookup, answered from that (once).
   *
   * @example
   * await store.loadTurn('wecom:zhangsan', ratingLookup('D0012', now)); // { saved: undefined, ratingNeedId: 42 }
   */
  loadTurn(sender: string, rating?: RatingLookup): Promise<TurnStart<S>>;
  save(sender: string, state: S, now: Date, expiresAt: Date): Promise<void>;
  clear(sender: string): Promise<void>;
  /**
   * The texts of the sender's last `limit` answered messages before message `beforeId`, newest first, down to the
   * first one answered before `since` (it and older ones left out: the conversation has moved on): what a follow-up
   * ("那个T80呢") asks again is read back from them, not kept in the state.
   *
   * @example
   * await store.answeredBefore('wecom:zhangsan', 812, 2, thirtyMinutesAgo); // ['N60还有货吗', '你好']
   */
  answeredBefore(sender: string, beforeId: number, limit: number, since: Date): Promise<string[]>;
}

/** Which dealer's need awaiting a rating a turn asks for: resolved after `resolvedAfter`. */
export interface RatingLookup {
  dealerCode: string;
  resolvedAfter: Date;
}

/** One sender's turn to read ahead (`InboundStore.take`'s `readAhead`). */
export interface TurnRequest {
  sender: string;
  rating?: RatingLookup | undefined;
}

/** A turn's starting point: the stored state, if any, and the need awaiting the dealer's rating, if asked and any. */
export interface TurnStart<S = unknown> {
  saved: { state: S; expiresAt: Date } | undefined;
  ratingNeedId: number | undefined;
}
