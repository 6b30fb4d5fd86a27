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
   * (core/needs `ratingLookup`), the need awaiting their rating (as `NeedStore.awaitingRating`).
   *
   * @example
   * await store.loadTurn('wecom:zhangsan', ratingLookup('D0012', now)); // { saved: undefined, ratingNeedId: 42 }
   */
  loadTurn(sender: string, rating?: RatingLookup): Promise<TurnStart<S>>;
  /**
   * Reads the turns of several senders ahead, in one statement (a transaction's batch of turns, each sender once):
   * the next `loadTurn` of such a sender in the same transaction, with the same lookup, is answered from it; a
   * `save` or `clear` of the sender drops it. Outside a transaction it does nothing.
   *
   * @example
   * await store.prefetchTurns?.([{ sender: 'wecom:zhangsan', rating: ratingLookup('D0012', now) }, { sender: 'wecom:li' }]);
   */
  prefetchTurns?(requests: readonly TurnRequest[]): Promise<void>;
  save(sender: string, state: S, now: Date, expiresAt: Date): Promise<void>;
  clear(sender: string): Promise<void>;
}

/** Which dealer's need awaiting a rating a turn asks for: resolved after `resolvedAfter`. */
export interface RatingLookup {
  dealerCode: string;
  resolvedAfter: Date;
}

/** One sender's turn to read ahead (`ConversationStore.prefetchTurns`). */
export interface TurnRequest {
  sender: string;
  rating?: RatingLookup | undefined;
}

/** A turn's starting point: the stored state, if any, and the need awaiting the dealer's rating, if asked and any. */
export interface TurnStart<S = unknown> {
  saved: { state: S; expiresAt: Date } | undefined;
  ratingNeedId: number | undefined;
}
