import { INTENTS } from '../../core/common/intents.js';
import { generalHandlers } from './general.handler.js';
import { needsHandlers } from './needs.handler.js';
import { orderHandlers } from './orders.handler.js';
import { policyHandlers } from './policies.handler.js';
import { stockHandlers } from './stock.handler.js';
/** Checks at load that every intent of the contract has a handler: none may fall through to a generic reply. */
export function completeHandlers(registry) {
    const missing = INTENTS.filter((i) => !registry[i]);
    if (missing.length)
        throw new Error(`intents without a handler: ${missing.join(', ')}`);
    return registry;
}
/** Every intent's handler. Each capability contributes its own registry. */
export const handlers = completeHandlers({
    ...generalHandlers,
    ...policyHandlers,
    ...needsHandlers,
    ...orderHandlers,
    ...stockHandlers,
});
//# sourceMappingURL=index.js.map