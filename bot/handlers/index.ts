import { INTENTS, MANAGER_INTENTS } from '../../core/common/intents.js';
import type { CompleteHandlers, HandlerRegistry } from '../dialog/turn.js';
import { accountHandlers } from './accounts.handler.js';
import { generalHandlers } from './general.handler.js';
import { growthHandlers } from './growth.handler.js';
import { insightHandlers } from './insights.handler.js';
import { managerHandlers } from './manager.handler.js';
import { attachImageToNeed, needsHandlers } from './needs.handler.js';
import { orderHandlers } from './orders.handler.js';
import { policyHandlers } from './policies.handler.js';
import { stockHandlers } from './stock.handler.js';
import { trainingHandlers } from './training.handler.js';

/**
 * Checks at load that every intent of the contract has a handler (none may fall through to a generic reply) and
 * that every manager command is guarded as one.
 */
export function completeHandlers(registry: HandlerRegistry): CompleteHandlers {
  const missing = INTENTS.filter((i) => !registry[i]);
  if (missing.length) throw new Error(`intents without a handler: ${missing.join(', ')}`);
  const unguarded = MANAGER_INTENTS.filter((i) => registry[i]?.role !== 'manager');
  if (unguarded.length) throw new Error(`manager intents not guarded as managerOnly: ${unguarded.join(', ')}`);
  return registry as CompleteHandlers;
}

/** Every intent's route. Each capability contributes its own registry. */
export const handlers = completeHandlers({
  ...generalHandlers,
  ...policyHandlers,
  ...needsHandlers,
  ...orderHandlers,
  ...stockHandlers,
  ...accountHandlers,
  ...insightHandlers,
  ...growthHandlers,
  ...trainingHandlers,
  ...managerHandlers,
});

/** Non-text messages: a dealer's image right after submitting a need belongs to that need. */
export const onImage = attachImageToNeed;
