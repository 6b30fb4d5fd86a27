/**
 * How core sends anything: each call becomes an outbox row written in the caller's transaction, so a
 * message goes out if and only if the change that caused it commits. `dedupeKey` makes a repeat a no-op.
 */
export interface SendOptions {
  dedupeKey: string;
  /** What the message is, for reports and the sandbox: 'reply', 'need.alert', 'care.birthday' … */
  kind: string;
  format?: 'text' | 'markdown';
  /** Deliver no earlier than this (quiet hours). */
  notBefore?: Date;
}

export interface Notifier {
  toDealer(dealerCode: string, body: string, opts: SendOptions): Promise<boolean>;
  /** A direct message to a manager (their WeCom account). */
  toManager(managerCode: string, body: string, opts: SendOptions): Promise<boolean>;
  /** The manager's alert group chat (WeCom app chat or group robot). */
  toManagerChat(managerCode: string, body: string, opts: SendOptions): Promise<boolean>;
}
