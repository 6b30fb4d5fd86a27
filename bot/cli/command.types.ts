import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { AppConfig } from '../config.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

/** A CLI command: `npm run cli -- <name> …`. Commands open only what they need (many need no database). */
export interface CliCommand {
  name: string;
  usage: string;
  run(args: string[], config: Readonly<AppConfig>, io: CliIo): Promise<number>;
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
