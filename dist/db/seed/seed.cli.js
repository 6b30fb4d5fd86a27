import cliProgress from 'cli-progress';
import { truncateDataTables } from './insert.js';
import { DEFAULT_SEED, isDatabaseEmpty, MAX_SCALE, seedDemoData } from './k-demo.js';
export const SEED_USAGE = 'usage: seed [--scale N] [--seed N] [--now ISO-8601] [--force]\n' +
    `  --scale N   multiply dealers, stores and managers (1 = K: 600 dealers, 12,000 stores; max ${MAX_SCALE})\n` +
    `  --seed N    random seed (default ${DEFAULT_SEED}); the same seed, scale and --now give the same data\n` +
    '  --now ISO   the demo\'s "now" (default: the current time)\n' +
    '  --force     empty the data tables of a non-empty database first\n';
/** Parses the seed command's arguments; returns an error message for bad input. */
export function parseSeedArgs(argv) {
    const args = { scale: 1, seed: DEFAULT_SEED, force: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg];
        const value = () => inline ?? argv[++i];
        switch (flag) {
            case '--scale': {
                const v = Number(value());
                if (!(v > 0 && v <= MAX_SCALE))
                    return { error: `--scale must be a number in (0, ${MAX_SCALE}]` };
                args.scale = v;
                break;
            }
            case '--seed': {
                const v = Number(value());
                if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
                    return { error: '--seed must be an unsigned 32-bit integer' };
                args.seed = v;
                break;
            }
            case '--now': {
                const raw = value();
                const d = new Date(raw ?? '');
                if (!raw || Number.isNaN(d.getTime()))
                    return { error: '--now must be an ISO-8601 date-time' };
                args.now = d;
                break;
            }
            case '--force':
                args.force = true;
                break;
            default:
                return { error: `unknown argument ${arg}` };
        }
    }
    return args;
}
export function formatSeedSummary(s) {
    const n = (v) => (v ?? 0).toLocaleString('en-US');
    const yi = (s.orderAmountFen / 100 / 1e8).toFixed(1);
    return (`seeded K demo (scale ${s.scale}, seed ${s.seed}, now ${s.now}): ` +
        `${n(s.counts.managers)} managers, ${n(s.counts.dealers)} dealers, ${n(s.counts.stores)} stores, ` +
        `${n(s.counts.orders)} orders over 24 months (¥${yi}亿 in the last 12), ${n(s.counts.sell_through)} sell-through rows; ` +
        `${n(s.totalRows)} rows in ${(s.ms / 1000).toFixed(1)} s`);
}
/**
 * `seed [--scale N] [--seed N] [--now ISO] [--force]`: fills an empty database with the K demo.
 * A non-empty database (it has dealers) is refused unless --force, which first empties every data table
 * (never the migration tables). Returns the process exit code.
 */
export async function runSeedCli(db, argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
        for (const line of SEED_USAGE.trimEnd().split('\n'))
            io.write(line);
        return 0;
    }
    const args = parseSeedArgs(argv);
    if ('error' in args) {
        io.write(args.error);
        for (const line of SEED_USAGE.trimEnd().split('\n'))
            io.write(line);
        return 2;
    }
    if (!(await isDatabaseEmpty(db))) {
        if (!args.force) {
            io.write('the database already has data (dealers); not seeding. Use --force to empty it and seed again.');
            return 1;
        }
        await truncateDataTables(db);
        io.write('emptied the data tables (--force)');
    }
    const bar = io.isTTY
        ? new cliProgress.SingleBar({
            format: 'seeding {bar} {percentage}% | {value}/{total} rows | {table}',
            hideCursor: true,
            clearOnComplete: true,
            stream: io.progressStream ?? process.stderr,
        }, cliProgress.Presets.shades_classic)
        : undefined;
    let started = false;
    try {
        const summary = await seedDemoData(db, {
            scale: args.scale,
            seed: args.seed,
            now: args.now,
            onProgress: (done, total, table) => {
                if (!bar)
                    return;
                if (!started) {
                    bar.start(total, done, { table });
                    started = true;
                }
                else
                    bar.update(done, { table });
            },
        });
        bar?.stop();
        io.write(formatSeedSummary(summary));
        return 0;
    }
    catch (e) {
        bar?.stop();
        // Only the message: driver errors carry the batch parameters.
        io.write(`seed failed: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
}
//# sourceMappingURL=seed.cli.js.map