/** `--key value` and `--flag` options plus positional words. */
export function parseArgs(args) {
    const positional = [];
    const options = {};
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a.startsWith('--')) {
            const [k, inline] = a.slice(2).split('=', 2);
            const next = args[i + 1];
            if (inline !== undefined)
                options[k] = inline;
            else if (next !== undefined && !next.startsWith('--')) {
                options[k] = next;
                i++;
            }
            else
                options[k] = true;
        }
        else
            positional.push(a);
    }
    return { positional, options };
}
//# sourceMappingURL=command.types.js.map