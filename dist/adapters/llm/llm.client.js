/**
 * The LLM adapter: intent proposals and explanation rephrasing through any OpenAI-compatible chat API.
 * Never throws: failures come back as values carrying a named error (LlmTimeout …) without message text or keys.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { intentProposalSchema, MANAGER_INTENTS } from './intent.schema.js';
export * from './intent.schema.js';
/** Base of the adapter's errors. Messages name the call, never the user's text or the API key. */
export class LlmError extends Error {
    kind;
    call;
    constructor(kind, call, message) {
        super(message);
        this.kind = kind;
        this.call = call;
    }
}
export class LlmTimeout extends LlmError {
    name = 'LlmTimeout';
    constructor(call, timeoutMs) {
        super('timeout', call, `LLM ${call} timed out after ${timeoutMs} ms`);
    }
}
export class LlmInvalidOutput extends LlmError {
    reason;
    issues;
    name = 'LlmInvalidOutput';
    constructor(call, reason, issues = []) {
        super('invalid', call, `LLM ${call} returned invalid output (${reason}${issues.length ? `: ${issues.join('; ')}` : ''})`);
        this.reason = reason;
        this.issues = issues;
    }
}
export class LlmNetworkError extends LlmError {
    name = 'LlmNetworkError';
    constructor(call, code) {
        super('network', call, `LLM ${call} network failure${code ? ` (${code})` : ''}`);
    }
}
export class LlmHttpError extends LlmError {
    status;
    name = 'LlmHttpError';
    constructor(call, status) {
        super('http', call, `LLM ${call} failed with HTTP ${status}`);
        this.status = status;
    }
}
const TOOL_NAME = 'extract_intent';
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
function shanghaiToday() {
    return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}
function weekdayOf(date) {
    const d = new Date(`${date}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? undefined : WEEKDAYS[d.getUTCDay()];
}
/** Maps whatever the client threw to one named adapter error. */
function classify(err, call, timeoutMs, deadlineHit) {
    if (err instanceof LlmError)
        return err;
    const e = (err ?? {});
    const name = typeof e.name === 'string' ? e.name : '';
    if (deadlineHit || name === 'TimeoutError' || name === 'AbortError' || name === 'APIConnectionTimeoutError') {
        return new LlmTimeout(call, timeoutMs);
    }
    if (typeof e.status === 'number')
        return new LlmHttpError(call, e.status);
    if (name === 'OutputParserException' || name === 'ZodError' || name === 'SyntaxError') {
        return new LlmInvalidOutput(call, 'schema');
    }
    const cause = (e.cause ?? {});
    const code = typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : undefined;
    return new LlmNetworkError(call, code && /^[A-Z_]+$/.test(code) ? code : undefined);
}
function issuePaths(issues) {
    // Paths and codes only: values could echo the user's text.
    return issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}:${i.code}`);
}
/** Validates a raw tool-call argument string against the contract and the caller's context. */
export function validateProposal(rawArgs, context, catalogSkus) {
    let data = rawArgs;
    if (typeof rawArgs === 'string') {
        try {
            data = JSON.parse(rawArgs);
        }
        catch {
            return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'not_json') };
        }
    }
    const parsed = intentProposalSchema.safeParse(data);
    if (!parsed.success) {
        return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'schema', issuePaths(parsed.error.issues)) };
    }
    const intent = parsed.data.intent;
    const slots = parsed.data.slots ?? {};
    if (MANAGER_INTENTS.has(intent) && context.sender !== 'manager') {
        return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'role') };
    }
    if (catalogSkus.length > 0 && slots.items) {
        const known = new Set(catalogSkus);
        if (slots.items.some((it) => it.sku !== undefined && !known.has(it.sku))) {
            return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'unknown_sku') };
        }
    }
    return { ok: true, proposal: { intent, slots } };
}
export function createIntentLlm(config, prompts) {
    const timeoutMs = config.timeoutMs ?? 4000;
    const model = new ChatOpenAI({
        model: config.model,
        apiKey: config.apiKey,
        timeout: timeoutMs,
        maxRetries: config.maxRetries ?? 1,
        temperature: 0,
        configuration: config.baseUrl ? { baseURL: config.baseUrl } : {},
    });
    // includeRaw: the parse is ours (validateProposal), so a bad answer is a value, not a thrown parser error.
    const structured = model.withStructuredOutput(intentProposalSchema, {
        name: TOOL_NAME,
        method: 'functionCalling',
        includeRaw: true,
    });
    /** Runs `fn` under the overall deadline; returns the value or a named error. */
    async function withDeadline(call, fn) {
        const controller = new AbortController();
        let deadlineHit = false;
        let timer;
        const deadline = new Promise((_, reject) => {
            timer = setTimeout(() => {
                deadlineHit = true;
                controller.abort();
                reject(new LlmTimeout(call, timeoutMs));
            }, timeoutMs);
        });
        try {
            const value = await Promise.race([fn(controller.signal), deadline]);
            return { ok: true, value };
        }
        catch (err) {
            return { ok: false, failure: classify(err, call, timeoutMs, deadlineHit) };
        }
        finally {
            clearTimeout(timer);
            deadline.catch(() => { });
        }
    }
    let lastRephraseFailure = null;
    return {
        promptVersion: prompts.version,
        get lastRephraseFailure() {
            return lastRephraseFailure;
        },
        async proposeIntent(text, context, catalogSkus) {
            const started = Date.now();
            const catalog = catalogSkus.map((c) => (typeof c === 'string' ? { sku: c } : c));
            const today = context.today ?? shanghaiToday();
            const weekday = weekdayOf(today);
            const system = prompts.intentSystem({ catalog, today, ...(weekday ? { weekday } : {}) });
            const user = prompts.intentUser(text, {
                ...(context.awaiting ? { awaiting: context.awaiting } : {}),
                sender: context.sender ?? 'dealer',
            });
            const res = await withDeadline(TOOL_NAME, (signal) => structured.invoke([new SystemMessage(system), new HumanMessage(user)], { signal }));
            const elapsedMs = Date.now() - started;
            if (!res.ok)
                return { ok: false, error: res.failure.kind, failure: res.failure, elapsedMs };
            const raw = res.value.raw;
            const rawArgs = extractToolArgs(res.value.raw);
            if (rawArgs === undefined) {
                const reason = (raw.invalid_tool_calls?.length ?? 0) > 0 ? 'not_json' : 'no_tool_call';
                const failure = new LlmInvalidOutput(TOOL_NAME, reason);
                return { ok: false, error: 'invalid', failure, elapsedMs };
            }
            const checked = validateProposal(rawArgs, context, catalog.map((c) => c.sku));
            if (!checked.ok)
                return { ok: false, error: 'invalid', failure: checked.failure, elapsedMs };
            return { ok: true, proposal: checked.proposal, elapsedMs };
        },
        async rephrase(text, facts) {
            const res = await withDeadline('rephrase', (signal) => model.invoke([new SystemMessage(prompts.explainSystem), new HumanMessage(prompts.explainUser(text, facts))], {
                signal,
            }));
            if (!res.ok) {
                lastRephraseFailure = res.failure;
                return null;
            }
            const content = res.value.content;
            const out = (typeof content === 'string'
                ? content
                : content.map((part) => (typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('')).trim();
            if (!out) {
                lastRephraseFailure = new LlmInvalidOutput('rephrase', 'empty');
                return null;
            }
            lastRephraseFailure = null;
            return out;
        },
    };
}
/** The first tool call's arguments (already JSON-parsed by langchain), or undefined when there is none. */
function extractToolArgs(raw) {
    const msg = raw;
    const call = msg.tool_calls?.find((c) => c.name === TOOL_NAME) ?? msg.tool_calls?.[0];
    return call ? call.args : undefined;
}
//# sourceMappingURL=llm.client.js.map