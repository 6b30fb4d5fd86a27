import { reasons } from '../../core/imports/messages.js';
import type { SourceItem } from '../../core/imports/types.js';

/** Header names as the column mapping spells them: trimmed, lower case. */
export const normalizeColumn = (name: string): string => name.trim().toLowerCase();

/**
 * RFC 4180 CSV over a stream of text chunks: quoted fields with commas, doubled quotes and line breaks; CRLF or LF;
 * blank lines skipped. Yields the header (first record) and then each record keyed by it, with the line it starts on.
 * Memory stays constant: one record at a time.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  let header: string[] | null = null;
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let startLine = 1;

  function* emit(): Generator<SourceItem> {
    const cells = record;
    const at = startLine;
    record = [];
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    if (header === null) {
      header = cells.map(normalizeColumn);
      yield { kind: 'header', line: at, columns: header };
      return;
    }
    yield toRecord(header, cells, at);
  }

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (inQuotes) {
        if (ch === '"') {
          inQuotes = false;
          afterQuote = true;
        } else {
          if (ch === '\n') line++;
          field += ch;
        }
        continue;
      }
      if (ch === '"') {
        if (afterQuote) {
          field += '"'; // "" inside a quoted field
          inQuotes = true;
        } else if (field === '') inQuotes = true;
        else field += ch;
        afterQuote = false;
      } else if (ch === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (ch === '\n') {
        record.push(field);
        field = '';
        afterQuote = false;
        yield* emit();
        line++;
        startLine = line;
      } else if (ch !== '\r') {
        field += ch;
        afterQuote = false;
      }
    }
  }
  if (inQuotes) {
    yield { kind: 'error', error: { line: startLine, column: '', value: field.slice(0, 40), reason: reasons.badCsv } };
    return;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    yield* emit();
  }
}

/**
 * A record keyed by the header. A cell holding U+FFFD means bytes that were not valid in the encoding used —
 * in practice a GBK file read as UTF-8 — and is reported instead of imported as garbage.
 */
export function toRecord(header: readonly string[], cells: readonly string[], line: number): SourceItem {
  const record: Record<string, string> = {};
  for (let c = 0; c < header.length; c++) {
    const v = cells[c] ?? '';
    if (v.includes('\uFFFD')) {
      return { kind: 'error', error: { line, column: header[c]!, value: v, reason: reasons.gbkAsUtf8 } };
    }
    record[header[c]!] = v;
  }
  return { kind: 'record', line, record };
}
