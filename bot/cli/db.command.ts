import { migrateDatabase, seedDatabase } from '../composition.js';
import type { CliCommand } from './command.types.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate                       apply pending database migrations',
  async run(_args, config, io) {
    const applied = await migrateDatabase(config);
    io.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  },
};

export const seedCommand: CliCommand = {
  name: 'seed',
  usage: 'seed [--scale N] [--force]     generate the K demo data',
  async run(args, config, io) {
    return seedDatabase(config, args, { isTTY: io.isTTY, write: io.out });
  },
};
