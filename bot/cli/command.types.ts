import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { AppConfig } from '../config.js';
import type { CliServices } from '../services.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

/**
 * What the entry point (bot/cli.ts) hands a command for the configured database, built by the composition root only
 * when a command asks (a light command never loads the database).
 */
export interface CliHost {
  /** Opens the database, brings it to the latest migration, runs `fn` on the services and closes everything. */
  withServices<T>(fn: (cli: CliServices) => Promise<T>): Promise<T>;
  /** Applies pending migrations; returns their names. */
  migrate(): Promise<string[]>;
  /** The K demo generator (`seed [--scale N] [--force]`); returns the exit code. */
  seed(args: string[], io: { isTTY: boolean; write: (line: string) => void }): Promise<number>;
}

/** A CLI command: `npm run cli -- <name> …`. Commands open only what they need (many need no database). */
export interface CliCommand {
  name: string;
  usage: string;
  run(args: string[], config: Readonly<AppConfig>, io: CliIo, host: CliHost): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's `--options` and positional words, parsed strictly by `node:util` `parseArgs`: an unknown option or a
 * missing value is reported on stderr and gives null (the command exits 2).
 *
 * @example
 * const args = parseCommandArgs(['score', '--month', '2026-10'], { month: { type: 'string' } }, io);
 * // { values: { month: '2026-10' }, positionals: ['score'] }
 */
export function parseCommandArgs<const O extends Options>(args: string[], options: O, io: CliIo) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    io.err((e as Error).message);
    return null;
  }
}
