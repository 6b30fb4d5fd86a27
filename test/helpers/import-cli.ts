import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { runImportCommand } from '../../bot/cli/import.command.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
import { KyselyImportStore } from '../../db/repositories/imports.repository.js';
import type { Database } from '../../db/schema.js';

/** The import command's last stdout line (the contract in DESIGN.md). */
export interface ImportSummary {
  entity: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: { line: number; column: string; value: string; reason: string }[];
}

export interface ImportCliRun {
  code: number;
  /** The summary line, or null when the command printed none (bad usage). */
  json: ImportSummary;
  out: string[];
  err: string[];
}

/** `npm run cli -- import ARGS…` in-process on `db`, as a pipe (no progress bar). */
export async function runImportCli(db: Kysely<Database>, args: string[]): Promise<ImportCliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImportCommand(args, {
    store: new KyselyImportStore(db),
    io: { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false },
  });
  const last = out.at(-1) ?? '';
  return { code, json: last.startsWith('{') ? (JSON.parse(last) as ImportSummary) : (null as never), out, err };
}

/** Imports every entity's file again and expects exit 0 with every row unchanged: nothing inserted or updated. */
export async function expectReimportChangesNothing(importEntity: (entity: string) => Promise<ImportCliRun>) {
  for (const entity of IMPORT_ENTITIES) {
    const r = await importEntity(entity);
    expect({ entity, code: r.code, inserted: r.json.inserted, updated: r.json.updated }).toEqual({
      entity,
      code: 0,
      inserted: 0,
      updated: 0,
    });
    expect(r.json.unchanged).toBe(r.json.rows);
  }
}
