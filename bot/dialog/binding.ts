import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { KfBindingCodes, readKfBindingCode } from '../../core/accounts/kf-binding.js';
import type { DealerDirectory } from '../../core/dealers/directory.port.js';
import { normalize } from '../nlu/normalize.js';
import type { Identity } from '../pipeline/identity.js';
import type { StepReply } from '../pipeline/worker.js';
import { bindingReplies as text } from '../replies/binding.replies.js';

const MAX_TRIES_PER_HOUR = 5;

/** Links an unknown chat account to a dealer by dealer code + the contact phone registered for that dealer. */
export async function handleBinding(input: {
  directory: DealerDirectory;
  kv: KeyValueStore;
  identity: Extract<Identity, { kind: 'unbound' }>;
  text: string;
}): Promise<StepReply[]> {
  const { directory, kv, identity } = input;
  const kfCode = identity.channel === 'kf' ? readKfBindingCode(normalize(input.text)) : null;
  if (kfCode) return bindManagerKf(directory, kv, identity.externalId, kfCode);
  const t = normalize(input.text).toUpperCase();
  const code = t.match(/D\d{4}(?!\d)/)?.[0];
  const phone = t.match(/(?<!\d)1\d{10}(?!\d)/)?.[0];
  if (!code && !phone) return [{ body: text.ask }];
  if (!code || !phone) return [{ body: text.askMissing(code ? 'phone' : 'code') }];

  const tries = await kv.increment(`bind:${identity.channel}:${identity.externalId}`, 3600_000);
  if (tries > MAX_TRIES_PER_HOUR) return [{ body: text.tooMany }];

  const dealer = await directory.dealerByContact(code, phone);
  if (!dealer) return [{ body: text.mismatch(MAX_TRIES_PER_HOUR - tries) }];
  await directory.bindChannel(identity.channel, identity.externalId, dealer.code);
  return [{ body: text.bound(dealer.name) }];
}

/** A manager's 微信客服 account sends the one-time code the console showed them (never a claim in the text). */
async function bindManagerKf(
  directory: DealerDirectory,
  kv: KeyValueStore,
  externalId: string,
  code: string,
): Promise<StepReply[]> {
  const redeemed = await new KfBindingCodes(kv).redeem(`kf:${externalId}`, code);
  if (redeemed.kind === 'tooMany') return [{ body: text.tooMany }];
  if (redeemed.kind === 'invalid') return [{ body: text.kfInvalid(redeemed.triesLeft) }];
  if ((await directory.bindManagerKf(externalId, redeemed.managerCode)) === 'taken') return [{ body: text.kfTaken }];
  return [{ body: text.kfBound((await directory.managerName(redeemed.managerCode)) ?? redeemed.managerCode) }];
}
