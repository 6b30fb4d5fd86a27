import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node.js flags production starts the app with: those of the Dockerfile's exec-form `CMD ["node", …flags,
 * "dist/bot/main.js"]`, the deploy's own definition (`npm start` uses the same, test/architecture.test.ts checks).
 * The benchmarks and the soak run the app with them, each tree with its own: a flag such as the young generation's
 * size changes the app's CPU per message as much as a code change does.
 */
export function productionNodeFlags(dir: string): string[] {
  const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  // The last exec-form CMD is the image's (HEALTHCHECK's shell-form CMD line is indented and not JSON).
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1);
  if (!cmd) return [];
  const argv = JSON.parse(cmd[1]!) as string[];
  const script = argv.findIndex((a) => a.endsWith('.js'));
  return argv[0] === 'node' && script > 0 ? argv.slice(1, script) : [];
}

/**
 * Runs this script again under the production flags when it was started without them (`npm run bench:e2e` is
 * `tsx bench/e2e.bench.ts`): resolves false in the child, which does the work; in the parent it waits for the
 * child and exits with its code, never resolving. The app runs in the bench's own process, so the flags must be
 * the process's.
 */
export async function reexecWithProductionFlags(dir: string): Promise<boolean> {
  const flags = productionNodeFlags(dir).filter((f) => !process.execArgv.includes(f));
  if (flags.length === 0 || process.env.BENCH_NODE_FLAGS_APPLIED) return false;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_NODE_FLAGS_APPLIED: flags.join(' ') },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  process.exit(code);
}
