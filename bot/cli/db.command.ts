import type { CliCommand } from './command.types.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate                       apply pending database migrations',
  async run(_args, _config, io, host) {
    const applied = await host.migrate();
    io.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  },
};

export const seedCommand: CliCommand = {
  name: 'seed',
  usage: 'seed [--scale N] [--force]     generate the K demo data',
  async run(args, _config, io, host) {
    return host.seed(args, { isTTY: io.isTTY, write: io.out });
  },
};
