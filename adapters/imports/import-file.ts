import { basename } from 'node:path';
import type { ImportService } from '../../core/imports/import.service.js';
import type { ImportEntity, ImportMode, ImportResult } from '../../core/imports/types.js';
import type { TextEncodingName } from './encoding.js';
import { type ImportFile, openImportFile, UnsupportedImportFile } from './index.js';

/** The file could not be opened or read before the import started (missing, a directory, no permission). */
export class UnreadableImportFile extends Error {
  constructor(path: string, cause: unknown) {
    super(`cannot read ${path}: ${(cause as Error).message}`, { cause });
    this.name = 'UnreadableImportFile';
  }
}

export interface ImportFileRequest {
  entity: ImportEntity;
  path: string;
  /** What import_runs records as the source; default the file's name. */
  source?: string;
  mode: ImportMode;
  encoding?: TextEncodingName | 'auto';
  who: string;
  onProgress?: (rows: number) => void;
}

/**
 * One import of one file, the way the CLI and the admin API both do it: open (format by extension, encoding
 * detected), stream through the ImportService, record the run. Throws UnsupportedImportFile for an unknown type.
 *
 * @example
 * const { result } = await importFile(importer, { entity: 'pos', path: 'pos.csv', mode: 'all', who: 'cli:hq' });
 */
export async function importFile(
  importer: ImportService,
  req: ImportFileRequest,
): Promise<{ file: ImportFile; result: ImportResult }> {
  let file: ImportFile;
  try {
    file = await openImportFile(req.path, { encoding: req.encoding });
  } catch (e) {
    throw e instanceof UnsupportedImportFile ? e : new UnreadableImportFile(req.path, e);
  }
  const result = await importer.run({
    entity: req.entity,
    items: file.items,
    source: req.source ?? basename(req.path),
    sha256: file.sha256,
    who: req.who,
    mode: req.mode,
    onProgress: req.onProgress,
  });
  return { file, result };
}
