import { migrateToLatest, openDatabase } from '../../db/connect.js';
import { runSeedCli } from '../../db/seed/seed.cli.js';
import { withDatabase } from './database.js';
export const migrateCommand = {
    name: 'migrate',
    usage: 'migrate                       apply pending database migrations',
    async run(_args, config, io) {
        const h = await openDatabase(config.db);
        try {
            const applied = await migrateToLatest(h.db);
            io.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
            return 0;
        }
        finally {
            await h.close();
        }
    },
};
export const seedCommand = {
    name: 'seed',
    usage: 'seed [--scale N] [--force]     generate the K demo data',
    async run(args, config, io) {
        return withDatabase(config, (db) => runSeedCli(db, args, { isTTY: io.isTTY, write: io.out }));
    },
};
//# sourceMappingURL=db.command.js.map