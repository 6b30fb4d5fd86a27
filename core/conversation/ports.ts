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
  save(sender: string, state: S, now: Date, expiresAt: Date): Promise<void>;
  clear(sender: string): Promise<void>;
}
