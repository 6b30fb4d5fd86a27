import { describe, expect, it } from 'vitest';
import { INTENTS } from '../../core/common/intents.js';
import { completeHandlers, handlers } from './index.js';

describe('handler registry', () => {
  it('answers every intent of the contract', () => {
    for (const intent of INTENTS) expect(typeof handlers[intent]).toBe('function');
  });
  it('refuses a registry that forgets an intent', () => {
    expect(() => completeHandlers({ greeting: handlers.greeting })).toThrow(/without a handler: .*order\.place/);
  });
});
