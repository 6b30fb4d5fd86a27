/**
 * Before/after for `bench:e2e` in one invocation (`npm run bench:e2e:compare [-- --base 5de2cef --rounds 2 …]`):
 * the baseline ref's app is exported (`git archive`, no worktree or branch is created) to a directory under the
 * system's temp dir with this project's node_modules linked in, and driven by THIS tree's bench/e2e.bench.ts and
 * bench/e2e.wecom.ts and the fake WeCom it runs (copied in, so both apps see the same driver, fake, checks and
 * counters).
 * `--new REF` measures REF, exported the same way, instead of the working tree (edits in progress cannot leak into a
 * run). The two run one after the other, alternating,
 * `--rounds` times each; every other argument is passed to both. The baseline keeps the pool the bench gave it
 * before (16 connections) unless `--pool` is given. Prints one table of every run, and the load averages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const take = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const [, value] = argv.splice(i, 2);
  return value ?? fallback;
};
const baseRef = take('base', '5de2cef');
/** Measure this ref instead of the working tree (exported the same way: edits in progress cannot leak in). */
const newRef = take('new', '');
const rounds = Number(take('rounds', '1'));
const passThrough = argv;
const here = resolve(import.meta.dirname, '..');

/**
 * The bench: the app's side and the WeCom side (driver + fake, a child process of the first). The fake goes with the
 * driver: the driver needs its reply push (`onCall`), and both refs then answer the same WeCom.
 */
/** Copied into each export; `node-flags.ts` makes the bench run each ref under its own Dockerfile's node flags. */
const BENCH_FILES = [
  'bench/e2e.bench.ts',
  'bench/e2e.app.ts',
  'bench/e2e.instance.ts',
  'bench/e2e.wecom.ts',
  'bench/node-flags.ts',
  'test/fakes/wecom/fake-wecom.server.ts',
];
/**
 * The export's directory is named by the ref and by these bench files' contents: two compares from trees with
 * different benches (other branches) never run each other's bench in a shared export.
 */
const benchHash = createHash('sha256');
for (const f of BENCH_FILES) benchHash.update(readFileSync(join(here, f)));
const benchTag = benchHash.digest('hex').slice(0, 8);

/** The app of `ref`, exported once under the temp dir with this project's node_modules. */
function exported(ref: string): { commit: string; dir: string } {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: here })
    .toString()
    .trim();
  const dir = join(tmpdir(), `gongsheng-e2e-${commit}-${benchTag}`);
  if (!existsSync(join(dir, 'package.json'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: here, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    symlinkSync(realpathSync(join(here, 'node_modules')), join(dir, 'node_modules'));
  }
  return { commit, dir };
}
const base = exported(baseRef);
const candidate = newRef ? exported(newRef) : null;
const [commit, baseDir] = [base.commit, base.dir];
for (const dir of [baseDir, ...(candidate ? [candidate.dir] : [])]) {
  for (const f of BENCH_FILES) copyFileSync(join(here, f), join(dir, f));
}

interface Result {
  rows: Array<Record<string, string>>;
  stages: Record<'throughput' | 'paced', Record<string, string>> & { greeting?: Record<string, string> };
  order: { senders: number; inOrder: number; replies: number };
  loads: string[];
}

const table: Array<Record<string, string>> = [];
const loads: string[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const [label, dir] of [
    [`base ${commit}`, baseDir],
    [candidate ? `new ${candidate.commit}` : 'this tree', candidate?.dir ?? here],
  ] as const) {
    const isBase = dir === baseDir;
    const out = join(tmpdir(), `gongsheng-e2e-${process.pid}-${round}-${isBase ? 'base' : 'new'}.json`);
    const pool = isBase && !passThrough.includes('--pool') ? ['--pool', '16'] : [];
    const run = spawnSync('npx', ['tsx', 'bench/e2e.bench.ts', ...passThrough, ...pool, '--json', out], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (!existsSync(out)) {
      console.error(`${label}: the bench wrote no results (exit ${run.status})`);
      process.exitCode = 1;
      continue;
    }
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    rmSync(out);
    // Rows by name, not position (the greeting's overhead row was added after the first version).
    const row = (part: string) => r.rows.find((x) => String(x['run']).includes(part));
    const [seq, e2e, overhead, burst, paced] = [
      row('baseline: greeting'),
      row('greeting callback → reply'),
      row('greeting sequential overhead'),
      row(' senders × '),
      row('fixed '),
    ];
    table.push({
      run: `${label} #${round}`,
      'greeting p50 (ack p50)': `${e2e?.['p50 ms']} (${seq?.['p50 ms']})`,
      'overhead p50 / p99 ms': overhead ? `${overhead['p50 ms']} / ${overhead['p99 ms']}` : '—',
      'throughput msg/s': burst?.['msg/s'] ?? '',
      'throughput p99 ms': burst?.['p99 ms'] ?? '',
      'paced msg/s': paced?.['msg/s'] ?? '',
      'paced p50 / p99 ms': `${paced?.['p50 ms']} / ${paced?.['p99 ms']}`,
      // Database round trips per greeting (absent from results of a bench before pipelined BEGIN).
      'greeting round trips': r.stages.greeting?.['round trips/msg'] ?? '—',
      'stmts / xacts per msg': `${r.stages.throughput['statements/msg']} / ${r.stages.throughput['transactions/msg']}`,
      // CPU per message in the burst (/proc; absent from results of a bench before the WeCom side had its process).
      'CPU ms/msg app / PG / WeCom': [
        r.stages.throughput['app CPU ms/msg'],
        r.stages.throughput['PostgreSQL CPU ms/msg'],
        r.stages.throughput['WeCom side CPU ms/msg'],
      ]
        .map((x) => x ?? '—')
        .join(' / '),
      'senders in order': `${r.order.inOrder}/${r.order.senders}`,
    });
    loads.push(`${label} #${round}: ${r.loads.join('; ')}`);
  }
}
console.log('\nbench:e2e before/after, same invocation (alternating runs):\n');
console.table(table);
console.log(`Load average (1/5/15 min):\n  ${loads.join('\n  ')}`);
