import { allNumbersGrounded } from '../../core/policies/number.guard.js';

/** A template explanation and the numbers computed for it: what an LLM may rephrase. */
export interface Explanation {
  text: string;
  facts: readonly string[];
}

/** A rephrasing longer than this is not a rephrasing of a short explanation. */
const MAX_REPHRASED_CHARS = 1200;

/**
 * The LLM's rephrasing goes out only if it is non-empty, not overlong and every number in it is among the computed
 * facts; otherwise the template does ("the model proposes, the code decides").
 */
export function chooseExplanation(
  template: Explanation,
  candidate: string | null | undefined,
  /** One message's limit on the channel (the outbox's): a rephrasing must fit in one. */
  maxBytes: number,
): { text: string; rephrased: boolean } {
  const text = candidate?.trim();
  if (
    text &&
    text.length <= MAX_REPHRASED_CHARS &&
    Buffer.byteLength(text, 'utf8') <= maxBytes &&
    allNumbersGrounded(text, template.facts)
  )
    return { text, rephrased: true };
  return { text: template.text, rephrased: false };
}

/** A rephraser for the worker: asks the model, then keeps its text only when `chooseExplanation` accepts it. */
export function groundedRephraser(
  rephrase: (text: string, facts: readonly string[]) => Promise<string | null>,
  maxBytes: number,
): (template: Explanation) => Promise<string | null> {
  return async (template) => {
    const candidate = await rephrase(template.text, template.facts).catch(() => null);
    const chosen = chooseExplanation(template, candidate, maxBytes);
    return chosen.rephrased ? chosen.text : null;
  };
}
