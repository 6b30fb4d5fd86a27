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

/** `--key value` and `--flag` options plus positional words. */
export function parseArgs(args: string[]): { positional: string[]; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const next = args[i + 1];
      if (inline !== undefined) options[k] = inline;
      else if (next !== undefined && !next.startsWith('--')) {
        options[k] = next;
        i++;
      } else options[k] = true;
    } else positional.push(a);
  }
  return { positional, options };
}
