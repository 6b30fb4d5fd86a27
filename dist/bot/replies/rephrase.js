import { allNumbersGrounded } from '../../core/policies/number.guard.js';
import { MAX_MESSAGE_BYTES } from '../pipeline/outbox.js';
/** A rephrasing longer than this is not a rephrasing of a short explanation. */
const MAX_REPHRASED_CHARS = 1200;
/**
 * The LLM's rephrasing goes out only if it is non-empty, not overlong and every number in it is among the computed
 * facts; otherwise the template does ("the model proposes, the code decides").
 */
export function chooseExplanation(template, candidate) {
    const text = candidate?.trim();
    if (text &&
        text.length <= MAX_REPHRASED_CHARS &&
        Buffer.byteLength(text, 'utf8') <= MAX_MESSAGE_BYTES &&
        allNumbersGrounded(text, template.facts))
        return { text, rephrased: true };
    return { text: template.text, rephrased: false };
}
/** A rephraser for the worker: asks the model, then keeps its text only when `chooseExplanation` accepts it. */
export function groundedRephraser(rephrase) {
    return async (template) => {
        const candidate = await rephrase(template.text, template.facts).catch(() => null);
        const chosen = chooseExplanation(template, candidate);
        return chosen.rephrased ? chosen.text : null;
    };
}
//# sourceMappingURL=rephrase.js.map