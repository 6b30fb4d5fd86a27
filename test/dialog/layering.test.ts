import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The conversation's rooms: dialog, handlers, replies, api and cli receive services from the composition root
 * (bot/main.ts, bot/composition.ts) and never reach the database themselves, nor back into a room that calls them.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SERVICE_ROOMS = [
  'bot/dialog',
  'bot/handlers',
  'bot/replies',
  'bot/api',
  'bot/cli',
  'bot/server.ts',
  'bot/cli.ts',
];
/** Rooms a room may not import (the callers it serves). */
const BACK_EDGES: Record<string, string[]> = {
  'bot/dialog': ['bot/handlers', 'bot/api', 'bot/cli'],
  'bot/handlers': ['bot/api', 'bot/cli', 'bot/dialog/engine.ts'],
  'bot/replies': ['bot/dialog', 'bot/handlers', 'bot/api', 'bot/cli', 'bot/pipeline'],
  'bot/api': ['bot/cli', 'bot/dialog', 'bot/handlers'],
  'bot/nlu': ['bot/dialog', 'bot/handlers'],
};

function files(path: string): string[] {
  const abs = join(ROOT, path);
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs).flatMap((name) => files(join(path, name)));
}
const sources = (path: string) => files(path).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Value imports (type-only imports are erased and allowed) as [specifier resolved from the root, is type-only]. */
function importsOf(file: string, text: string): Array<{ spec: string; typeOnly: boolean }> {
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(import|export)(\s+type)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => {
    const raw = (m[3] ?? m[4])!;
    const spec = raw.startsWith('.') ? relative(ROOT, resolve(ROOT, file, '..', raw)).replace(/\.js$/, '.ts') : raw;
    return { spec, typeOnly: Boolean(m[2]) };
  });
}

/** The rule violations of one file. */
function violations(file: string, text: string): string[] {
  const out: string[] = [];
  for (const { spec, typeOnly } of importsOf(file, text)) {
    if (SERVICE_ROOMS.some((r) => file === r || file.startsWith(`${r}/`))) {
      if (spec.startsWith('db/')) out.push(`${file} → ${spec} (db/ only through the composition root)`);
      if (spec === 'kysely' && !typeOnly) out.push(`${file} → kysely (queries live in db/)`);
    }
    for (const [room, banned] of Object.entries(BACK_EDGES)) {
      if (!file.startsWith(`${room}/`)) continue;
      for (const b of banned) if (spec === b || spec.startsWith(`${b}/`)) out.push(`${file} → ${spec} (back-edge)`);
    }
  }
  return out;
}

describe('the conversation rooms receive services (bot/README.md)', () => {
  it('dialog, handlers, replies, api and cli reach no database and have no back-edges', () => {
    const all = [...SERVICE_ROOMS, 'bot/nlu'].flatMap(sources);
    expect(all.length).toBeGreaterThan(30);
    expect(all.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('catches a planted violation of each rule', () => {
    expect(
      violations('bot/handlers/x.ts', "import { NeedsRepository } from '../../db/repositories/needs.repository.js';"),
    ).toHaveLength(1);
    expect(violations('bot/api/x.ts', "import { sql } from 'kysely';")).toHaveLength(1);
    expect(violations('bot/api/x.ts', "import type { Kysely } from 'kysely';")).toEqual([]);
    expect(
      violations('bot/dialog/engine.ts', "import { attachImageToNeed } from '../handlers/needs.handler.js';"),
    ).toHaveLength(1);
    expect(
      violations('bot/api/needs.routes.ts', "import { reportPeriod } from '../cli/needs.command.js';"),
    ).toHaveLength(1);
    expect(
      violations('bot/nlu/llm.fallback.ts', "import type { FallbackParser } from '../dialog/engine.js';"),
    ).toHaveLength(1);
    expect(violations('bot/main.ts', "import { openDatabase } from '../db/connect.js';")).toEqual([]);
  });
});
