import { normalize } from '../nlu/normalize.js';
import type { TurnContext } from '../dialog/turn.js';

/** A model code in the message that the catalog does not have ("XYZ99"), to name it back to the dealer. */
export function unknownModelCode(ctx: Pick<TurnContext, 'text' | 'catalog'>): string | undefined {
  const code = normalize(ctx.text).match(/(?<![a-z])[a-z]{1,3}-?\d{2,4}(?!\d)/i)?.[0];
  return code && !ctx.catalog.isModelCode(code) ? code.toUpperCase() : undefined;
}
