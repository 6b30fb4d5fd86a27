import { reasons } from '../../core/imports/messages.js';
import type { SourceItem } from '../../core/imports/types.js';
import { normalizeColumn } from './csv.reader.js';

/** A JSON value as the cell text a CSV would hold: arrays as 'a|b', null as ''. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join('|');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * NDJSON: one JSON object per line, its keys the column names (no header). Blank lines are skipped; a line that is
 * not a JSON object is one error row.
 */
export async function* parseNdjson(chunks: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let rest = '';
  let line = 0;
  const one = (text: string): SourceItem | null => {
    line++;
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { kind: 'error', error: { line, column: '', value: text.slice(0, 40), reason: reasons.badJson } };
    }
    const record: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      const text = cell(v);
      if (text.includes('\uFFFD')) {
        return { kind: 'error', error: { line, column: k, value: text, reason: reasons.gbkAsUtf8 } };
      }
      record[normalizeColumn(k)] = text;
    }
    return { kind: 'record', line, record };
  };
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      const item = one(p);
      if (item) yield item;
    }
  }
  const last = one(rest);
  if (last) yield last;
}
