import { extname } from 'node:path';
import type { SourceItem } from '../../core/imports/types.js';
import { parseCsv } from './csv.reader.js';
import { decodeFile, scanFile, type TextEncodingName } from './encoding.js';
import { parseNdjson } from './ndjson.reader.js';
import { parseXlsx } from './xlsx.reader.js';

export type ImportFormat = 'csv' | 'xlsx' | 'ndjson';

export class UnsupportedImportFile extends Error {
  constructor(readonly path: string) {
    super(`unsupported file type ${extname(path) || '(none)'}: use .csv, .xlsx or .ndjson/.jsonl`);
    this.name = 'UnsupportedImportFile';
  }
}

export interface ImportFile {
  format: ImportFormat;
  /** The text encoding used (CSV, NDJSON); XLSX is always UTF-8 inside. */
  encoding: TextEncodingName;
  sha256: string;
  bytes: number;
  /** The header and records, streamed (read once). */
  items: AsyncIterable<SourceItem>;
}

export function formatOf(path: string): ImportFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return null;
}

/**
 * Opens an import file by its extension. Text files are scanned once first (SHA-256, and UTF-8 validity to tell
 * UTF-8 from GBK unless `encoding` forces one), then streamed: memory does not grow with the file.
 *
 * @example
 * const file = await openImportFile('pos-2026-11-25.csv');
 * for await (const item of file.items) …
 */
export async function openImportFile(
  path: string,
  opts: { encoding?: TextEncodingName | 'auto' } = {},
): Promise<ImportFile> {
  const format = formatOf(path);
  if (!format) throw new UnsupportedImportFile(path);
  const scan = await scanFile(path);
  if (format === 'xlsx')
    return { format, encoding: 'utf-8', sha256: scan.sha256, bytes: scan.bytes, items: parseXlsx(path) };
  const encoding = opts.encoding && opts.encoding !== 'auto' ? opts.encoding : scan.utf8 ? 'utf-8' : 'gbk';
  const text = decodeFile(path, encoding);
  return {
    format,
    encoding,
    sha256: scan.sha256,
    bytes: scan.bytes,
    items: format === 'csv' ? parseCsv(text) : parseNdjson(text),
  };
}

export { parseCsv } from './csv.reader.js';
export { parseNdjson } from './ndjson.reader.js';
export type { TextEncodingName } from './encoding.js';
