import { readFileSync } from 'node:fs';
import { runNluEvalCli } from '../nlu/nlu.eval.js';
export const nluEvalCommand = {
    name: 'nlu-eval',
    usage: 'nlu-eval FILE.jsonl [--now ISO] evaluate the rule parser on a labelled file (NLU.md)',
    run: (args, _config, io) => runNluEvalCli(args, (p) => readFileSync(p, 'utf8'), io.out),
};
//# sourceMappingURL=nlu-eval.command.js.map