/** The NLU reads numbers with the project's one numeral parser (core/common/numerals.ts). */
export { CN_CHARS, NUMBER_SRC, parseDigitSequence, parseNumber } from '../../core/common/numerals.js';
