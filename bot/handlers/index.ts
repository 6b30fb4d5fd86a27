import type { HandlerRegistry } from '../dialog/turn.js';
import { generalHandlers } from './general.handler.js';
import { policyHandlers } from './policies.handler.js';
import { needsHandlers } from './needs.handler.js';
import { orderHandlers } from './orders.handler.js';
import { stockHandlers } from './stock.handler.js';

/** Every intent's handler. Each capability contributes its own registry. */
export const handlers: HandlerRegistry = {
  ...generalHandlers,
  ...policyHandlers,
  ...needsHandlers,
  ...orderHandlers,
  ...stockHandlers,
};
