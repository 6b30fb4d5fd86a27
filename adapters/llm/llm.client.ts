/**
 * The LLM adapter: intent proposals and explanation rephrasing through any OpenAI-compatible chat API.
 * Never throws: failures come back as values carrying a named error (LlmTimeout …) without message text or keys.
 */
import { shanghaiDate } from '../../core/common/time.js';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { type Intent, type IntentProposal, intentProposalSchema, MANAGER_INTENTS } from './intent.schema.js';

export * from './intent.schema.js';

/** Config slice for the LLM adapter (from bot/config.ts). */
export interface LlmConfig {
  apiKey: string;
  /** OpenAI-compatible base URL, e.g. https://dashscope.aliyuncs.com/compatible-mode/v1 */
  baseUrl?: string;
  model: string;
  /** Budget for one call including retries, ms (default 4000). */
  timeoutMs?: number;
  /** Retries inside the budget (default 1; tests use 0). */
  maxRetries?: number;
}

export interface CatalogHint {
  sku: string;
  name?: string;
  aliases?: readonly string[];
}

/** What the conversation tells the parser: from the channel and the dialog state, never from the text. */
export interface IntentContext {
  sender?: 'dealer' | 'manager';
  awaiting?: 'order_confirm' | 'need_rating' | null;
  /** Asia/Shanghai date `YYYY-MM-DD` for relative dates (default: today). */
  today?: string;
}

/** The prompts the adapter uses, injected by the composition root (adapters do not import prompts/). */
export interface LlmPrompts {
  version: string;
  intentSystem(opts: { catalog: readonly CatalogHint[]; today: string; weekday?: string }): string;
  intentUser(text: string, context: { awaiting?: string | null; sender?: 'dealer' | 'manager' }): string;
  explainSystem: string;
  explainUser(text: string, facts: readonly string[]): string;
}

export type LlmErrorKind = 'timeout' | 'invalid' | 'network' | 'http';

/** Base of the adapter's errors. Messages name the call, never the user's text or the API key. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    readonly call: string,
    message: string,
  ) {
    super(message);
  }
}
export class LlmTimeout extends LlmError {
  override name = 'LlmTimeout';
  constructor(call: string, timeoutMs: number) {
    super('timeout', call, `LLM ${call} timed out after ${timeoutMs} ms`);
  }
}
export class LlmInvalidOutput extends LlmError {
  override name = 'LlmInvalidOutput';
  constructor(
    call: string,
    readonly reason: 'no_tool_call' | 'not_json' | 'schema' | 'role' | 'unknown_sku' | 'empty',
    readonly issues: readonly string[] = [],
  ) {
    super(
      'invalid',
      call,
      `LLM ${call} returned invalid output (${reason}${issues.length ? `: ${issues.join('; ')}` : ''})`,
    );
  }
}
export class LlmNetworkError extends LlmError {
  override name = 'LlmNetworkError';
  constructor(call: string, code?: string) {
    super('network', call, `LLM ${call} network failure${code ? ` (${code})` : ''}`);
  }
}
export class LlmHttpError extends LlmError {
  override name = 'LlmHttpError';
  constructor(
    call: string,
    readonly status: number,
  ) {
    super('http', call, `LLM ${call} failed with HTTP ${status}`);
  }
}

export type ProposeResult =
  | { ok: true; proposal: IntentProposal; elapsedMs: number }
  | { ok: false; error: LlmErrorKind; failure: LlmError; elapsedMs: number };

export interface IntentLlm {
  readonly promptVersion: string;
  proposeIntent(
    text: string,
    context: IntentContext,
    catalogSkus: readonly (string | CatalogHint)[],
  ): Promise<ProposeResult>;
  /** An LLM rephrasing of a template explanation, or null on any failure. The caller applies the number guard. */
  rephrase(text: string, facts: readonly string[]): Promise<string | null>;
  /** The last failure of rephrase (for logs), if any. */
  readonly lastRephraseFailure: LlmError | null;
}

const TOOL_NAME = 'extract_intent';
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

function weekdayOf(date: string): string | undefined {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : WEEKDAYS[d.getUTCDay()];
}

/** Maps whatever the client threw to one named adapter error. */
function classify(err: unknown, call: string, timeoutMs: number, deadlineHit: boolean): LlmError {
  if (err instanceof LlmError) return err;
  const e = (err ?? {}) as { name?: unknown; status?: unknown; code?: unknown; cause?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  if (deadlineHit || name === 'TimeoutError' || name === 'AbortError' || name === 'APIConnectionTimeoutError') {
    return new LlmTimeout(call, timeoutMs);
  }
  if (typeof e.status === 'number') return new LlmHttpError(call, e.status);
  if (name === 'OutputParserException' || name === 'ZodError' || name === 'SyntaxError') {
    return new LlmInvalidOutput(call, 'schema');
  }
  const cause = (e.cause ?? {}) as { code?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : undefined;
  return new LlmNetworkError(call, code && /^[A-Z_]+$/.test(code) ? code : undefined);
}

function issuePaths(issues: readonly { path: readonly PropertyKey[]; code: string }[]): string[] {
  // Paths and codes only: values could echo the user's text.
  return issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}:${i.code}`);
}

/** Validates a raw tool-call argument string against the contract and the caller's context. */
export function validateProposal(
  rawArgs: unknown,
  context: IntentContext,
  catalogSkus: readonly string[],
): { ok: true; proposal: IntentProposal } | { ok: false; failure: LlmInvalidOutput } {
  let data = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      data = JSON.parse(rawArgs);
    } catch {
      return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'not_json') };
    }
  }
  const parsed = intentProposalSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, failure: new LlmInvalidOutput(TOOL_NAME, 'schema', issuePaths(parsed.error.issues)) };
  }
  const intent: Intent = parsed.data.intent;
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

export function createIntentLlm(config: LlmConfig, prompts: LlmPrompts): IntentLlm {
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
  async function withDeadline<T>(
    call: string,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: LlmError }> {
    const controller = new AbortController();
    let deadlineHit = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadlineHit = true;
        controller.abort();
        reject(new LlmTimeout(call, timeoutMs));
      }, timeoutMs);
    });
    try {
      const value = await Promise.race([fn(controller.signal), deadline]);
      return { ok: true, value };
    } catch (err) {
      return { ok: false, failure: classify(err, call, timeoutMs, deadlineHit) };
    } finally {
      clearTimeout(timer);
      deadline.catch(() => {});
    }
  }

  let lastRephraseFailure: LlmError | null = null;

  return {
    promptVersion: prompts.version,
    get lastRephraseFailure() {
      return lastRephraseFailure;
    },

    async proposeIntent(text, context, catalogSkus) {
      const started = Date.now();
      const catalog: CatalogHint[] = catalogSkus.map((c) => (typeof c === 'string' ? { sku: c } : c));
      const today = context.today ?? shanghaiDate(new Date());
      const weekday = weekdayOf(today);
      const system = prompts.intentSystem({ catalog, today, ...(weekday ? { weekday } : {}) });
      const user = prompts.intentUser(text, {
        ...(context.awaiting ? { awaiting: context.awaiting } : {}),
        sender: context.sender ?? 'dealer',
      });
      const res = await withDeadline(TOOL_NAME, (signal) =>
        structured.invoke([new SystemMessage(system), new HumanMessage(user)], { signal }),
      );
      const elapsedMs = Date.now() - started;
      if (!res.ok) return { ok: false, error: res.failure.kind, failure: res.failure, elapsedMs };

      const raw = res.value.raw as { tool_calls?: { name: string; args: unknown }[]; invalid_tool_calls?: unknown[] };
      const rawArgs = extractToolArgs(res.value.raw);
      if (rawArgs === undefined) {
        const reason = (raw.invalid_tool_calls?.length ?? 0) > 0 ? 'not_json' : 'no_tool_call';
        const failure = new LlmInvalidOutput(TOOL_NAME, reason);
        return { ok: false, error: 'invalid', failure, elapsedMs };
      }
      const checked = validateProposal(
        rawArgs,
        context,
        catalog.map((c) => c.sku),
      );
      if (!checked.ok) return { ok: false, error: 'invalid', failure: checked.failure, elapsedMs };
      return { ok: true, proposal: checked.proposal, elapsedMs };
    },

    async rephrase(text, facts) {
      const res = await withDeadline('rephrase', (signal) =>
        model.invoke([new SystemMessage(prompts.explainSystem), new HumanMessage(prompts.explainUser(text, facts))], {
          signal,
        }),
      );
      if (!res.ok) {
        lastRephraseFailure = res.failure;
        return null;
      }
      const content = res.value.content;
      const out = (
        typeof content === 'string'
          ? content
          : content.map((part) => (typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('')
      ).trim();
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
function extractToolArgs(raw: unknown): unknown {
  const msg = raw as { tool_calls?: { name?: string; args?: unknown }[] };
  const call = msg.tool_calls?.find((c) => c.name === TOOL_NAME) ?? msg.tool_calls?.[0];
  return call ? call.args : undefined;
}
