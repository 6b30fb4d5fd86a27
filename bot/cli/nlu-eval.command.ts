import { readFileSync } from 'node:fs';
import { runNluEvalCli } from '../nlu/nlu.eval.js';
import type { CliCommand } from './command.types.js';

export const nluEvalCommand: CliCommand = {
  name: 'nlu-eval',
  usage: 'nlu-eval FILE.jsonl [--now ISO] evaluate the rule parser on a labelled file (NLU.md)',
  run: (args, _config, io) => runNluEvalCli(args, (p) => readFileSync(p, 'utf8'), io.out),
};
