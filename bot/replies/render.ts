/**
 * Dealer-written text placed inside a markdown notice: on one line (so it cannot leave its quote or forge lines of
 * the notice) and with markdown's active characters escaped (no links, emphasis, headings or mentions).
 */
export function mdSafe(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]()<>#>~|]/g, (c) => `\\${c}`)
    .trim();
}
