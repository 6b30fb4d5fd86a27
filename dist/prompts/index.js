import { buildExplainUserMessage, EXPLAIN_PROMPT_VERSION, EXPLAIN_SYSTEM_PROMPT } from './explain.v1.js';
import { buildIntentSystemPrompt, buildIntentUserMessage, INTENT_PROMPT_VERSION } from './intent.v1.js';
export * from './explain.v1.js';
export * from './intent.v1.js';
/** The current prompt set, in the shape adapters/llm's `LlmPrompts` expects (wired in bot/main.ts). */
export const promptsV1 = {
    version: `${INTENT_PROMPT_VERSION}+${EXPLAIN_PROMPT_VERSION}`,
    intentSystem: buildIntentSystemPrompt,
    intentUser: buildIntentUserMessage,
    explainSystem: EXPLAIN_SYSTEM_PROMPT,
    explainUser: buildExplainUserMessage,
};
//# sourceMappingURL=index.js.map