import type { Notifier, SendOptions } from '../common/notifier.port.js';

export interface SentMessage extends SendOptions {
  channel: 'dealer' | 'manager' | 'managerChat';
  to: string;
  body: string;
}

/** Records what a service sends; a repeated dedupe key is a no-op (false), as in the outbox. */
export class RecordingNotifier implements Notifier {
  readonly sent: SentMessage[] = [];

  private send(channel: SentMessage['channel'], to: string, body: string, opts: SendOptions): Promise<boolean> {
    if (this.sent.some((m) => m.dedupeKey === opts.dedupeKey)) return Promise.resolve(false);
    this.sent.push({ channel, to, body, ...opts });
    return Promise.resolve(true);
  }

  toDealer(dealerCode: string, body: string, opts: SendOptions) {
    return this.send('dealer', dealerCode, body, opts);
  }

  toManager(managerCode: string, body: string, opts: SendOptions) {
    return this.send('manager', managerCode, body, opts);
  }

  toManagerChat(managerCode: string, body: string, opts: SendOptions) {
    return this.send('managerChat', managerCode, body, opts);
  }

  ofKind(kind: string): SentMessage[] {
    return this.sent.filter((m) => m.kind === kind);
  }
}
