import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** DESIGN.md's import rules, checked on every source file (tests excluded: they may reach across for setup). */
const ROOT = resolve(import.meta.dirname, '..');
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  db: ['db', 'core'],
  adapters: ['adapters', 'core'],
  prompts: ['prompts'],
};
// Packages that would drag infrastructure into the pure core.
const CORE_FORBIDDEN_PACKAGES =
  /^(fastify|kysely|pg|ioredis|@langchain\/.*|langchain|node-cron|@wecom\/crypto|@electric-sql\/pglite|pino)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'data' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2])!);
}

describe('layout and import rules (DESIGN.md)', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only ${allowed.join(', ')}`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(ROOT, folder))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            const target = relative(ROOT, resolve(file, '..', spec)).split('/')[0]!;
            if (!allowed.includes(target)) violations.push(`${relative(ROOT, file)} → ${spec}`);
          } else if (folder === 'prompts' && !spec.startsWith('node:')) {
            violations.push(`${relative(ROOT, file)} → ${spec}`);
          } else if (folder === 'core' && CORE_FORBIDDEN_PACKAGES.test(spec)) {
            violations.push(`${relative(ROOT, file)} → ${spec}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('reads process.env only in bot/config.ts', () => {
    const readers = ['bot', 'core', 'adapters', 'db', 'prompts']
      .flatMap((f) => sourceFiles(join(ROOT, f)))
      .filter((f) => /process\.env/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(readers).toEqual(['bot/config.ts']);
  });
});
