import type { Stream } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SourceItem } from '../../core/imports/types.js';
import { normalizeColumn, toRecord } from './csv.reader.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Excel's dates are wall-clock times stored as UTC: a date cell → 'YYYY-MM-DD', with a time 'YYYY-MM-DD HH:mm:ss'. */
function dateText(d: Date): string {
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? day : `${day} ${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** A cell's value as text: rich text joined, a formula's result, a hyperlink's text, a date as above. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  if (typeof v !== 'object') return String(v);
  const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
  if (o.richText) return o.richText.map((r) => r.text).join('');
  if ('result' in o) return cellText(o.result);
  if ('text' in o) return cellText(o.text);
  return o.error ?? '';
}

/**
 * The first worksheet of an XLSX workbook, streamed row by row (exceljs WorkbookReader): row 1 is the header,
 * line numbers are Excel row numbers. Styles are read only to tell date cells from numbers. `input`: a path, or a
 * stream of the workbook's bytes.
 */
export async function* parseXlsx(input: string | Stream): AsyncGenerator<SourceItem> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    let header: string[] | null = null;
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
      if (cells.every((c) => c.trim() === '')) continue;
      if (header === null) {
        header = cells.map(normalizeColumn);
        yield { kind: 'header', line: row.number, columns: header };
      } else yield toRecord(header, cells, row.number);
    }
    return; // the first sheet only
  }
}
