import { describe, expect, it } from 'vitest';
import { INTENTS, MANAGER_INTENTS } from '../../core/common/intents.js';
import { anyone } from '../dialog/turn.js';
import { completeHandlers, handlers } from './index.js';

describe('handler registry', () => {
  it('answers every intent of the contract', () => {
    for (const intent of INTENTS) expect(['any', 'dealer', 'manager', 'each']).toContain(handlers[intent].role);
  });
  it('refuses a registry that forgets an intent', () => {
    expect(() => completeHandlers({ greeting: handlers.greeting })).toThrow(/without a handler: .*order\.place/);
  });
  it('guards every manager command as managerOnly, and refuses a registry that does not', () => {
    for (const intent of MANAGER_INTENTS) expect(handlers[intent].role).toBe('manager');
    const open = anyone(async () => ({ replies: [] }));
    expect(() => completeHandlers({ ...handlers, 'am.need.claim': open })).toThrow(/not guarded .*am\.need\.claim/);
  });
});
