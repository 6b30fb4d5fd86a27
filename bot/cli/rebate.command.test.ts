import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/rebate-vectors.json', import.meta.url), 'utf8'),
) as {
  cases: Array<{ policy: string; amount: number; expect: unknown }>;
};

// A PGlite dir that must never be created: the what-if reads policies.json and opens no database.
const scratch = mkdtempSync(join(tmpdir(), 'gs-rebate-cli-'));
const pgliteDir = join(scratch, 'must-not-exist');
const env = { ...process.env, PGLITE_DIR: pgliteDir, DATABASE_URL: '', LOG_LEVEL: 'silent' };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'bot/cli.ts', ...args], { cwd: root, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run cli -- rebate --policy CODE --amount FEN (child process)', () => {
  it.each(vectors.cases.map((c) => [`${c.policy} @ ${c.amount}`, c] as const))(
    '%s prints the expected JSON',
    async (_name, c) => {
      const r = await cli(['rebate', '--policy', c.policy, '--amount', String(c.amount)]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(1); // exactly one JSON object
      expect(JSON.parse(lines[0]!)).toEqual(c.expect);
      expect(existsSync(pgliteDir)).toBe(false);
    },
  );

  it('refuses bad input with exit 2 and nothing on stdout', async () => {
    for (const args of [
      ['rebate', '--policy', 'LADDER-2026Q4', '--amount', '12.5'],
      ['rebate', '--policy', 'LADDER-2026Q4', '--amount', '-1'],
      ['rebate', '--policy', 'NOPE', '--amount', '100'],
      ['rebate', '--policy', 'GROWTH-2026', '--amount', '100'],
      ['rebate'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.length).toBeGreaterThan(0);
    }
    expect(existsSync(pgliteDir)).toBe(false);
  }, 150_000); // five child processes, each starting tsx: slow when the suite shares 2 cores
});
