import { migrateToLatest, openDatabase } from '../../db/connect.js';
/**
 * Opens the configured database for one CLI command, brings it to the latest migration, runs `fn` and closes it
 * (releasing the PGlite lock) whatever happens.
 */
export async function withDatabase(config, fn) {
    const h = await openDatabase(config.db);
    try {
        await migrateToLatest(h.db);
        return await fn(h.db);
    }
    finally {
        await h.close();
    }
}
//# sourceMappingURL=database.js.map