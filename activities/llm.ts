/**
 * One model turn of the incident's LLM agent as one activity: the workflow owns the loop, the tool calls and the
 * budget; this sends one Messages API request with prompt caching and turns API failures into Temporal's terms.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure, Context, log } from '@temporalio/activity';

export { buildSystemPrompt, initialUserMessage, quoteUntrusted, toolDefinitions } from '../core/llm-prompt.js';
export type { EvidenceItem, ReadOnlyTool } from '../core/llm-prompt.js';

/** The one SDK method used; an `Anthropic` client satisfies it, and so does a test double. */
export interface MessagesClient {
  messages: {
    create(params: Anthropic.MessageCreateParamsNonStreaming, options?: Anthropic.RequestOptions): PromiseLike<Anthropic.Message>;
  };
}

export interface LlmDeps {
  /** Undefined when ANTHROPIC_API_KEY is not set: every turn then fails at once and the report uses the analyser. */
  anthropic?: { client: MessagesClient; model: string };
  /** Defaults for an incident that names none: 8 tool calls, 20,000 input tokens. */
  limits?: { maxToolCalls: number; maxInputTokens: number };
  /** Per request; default 60 s. Temporal retries a timed-out turn. */
  requestTimeoutMs?: number;
  /** Default 2048: room for reasoning text plus a few tool calls. */
  maxOutputTokens?: number;
}

export type LlmContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export interface LlmTurnInput {
  incidentId: string;
  system: string;
  tools: Anthropic.Tool[];
  /** The conversation so far; the last message is the user's (first prompt or tool results). */
  messages: Anthropic.MessageParam[];
  /** 1-based, for logs and the Temporal UI. */
  turn: number;
  /** What this incident has used before this turn; over a limit, the turn is refused without calling the API. */
  spent?: { toolCalls: number; inputTokens: number };
  /** This incident's input-token budget, when it sets its own. */
  maxInputTokens?: number;
}

export interface LlmTurnResult {
  /** Text and tool_use blocks, ready to append as the assistant message. */
  content: LlmContentBlock[];
  stopReason: string;
  usage: LlmUsage;
}

const EPHEMERAL = { type: 'ephemeral' } as const;
/** Every token the model reads counts: cached prefixes are cheaper but still read. */
const totalInput = (u: LlmUsage) => u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;

export function createLlmActivities({
  anthropic, limits = { maxToolCalls: 8, maxInputTokens: 20_000 }, requestTimeoutMs = 60_000, maxOutputTokens = 2048,
}: LlmDeps) {
  async function llmTurn(input: LlmTurnInput): Promise<LlmTurnResult> {
    if (!anthropic) throw ApplicationFailure.nonRetryable('The LLM is not configured (set ANTHROPIC_API_KEY).', 'NotConfigured');
    const spent = input.spent ?? { toolCalls: 0, inputTokens: 0 };
    const maxInputTokens = input.maxInputTokens ?? limits.maxInputTokens;
    if (spent.inputTokens >= maxInputTokens) {
      throw ApplicationFailure.nonRetryable(
        `The LLM input budget of ${maxInputTokens} tokens for this incident is used up (${spent.inputTokens}).`, 'LlmBudgetExceeded',
      );
    }
    const params = buildRequest(input, anthropic.model, maxOutputTokens);
    let message: Anthropic.Message;
    try {
      message = await anthropic.client.messages.create(params, {
        timeout: requestTimeoutMs,
        // Temporal owns retries: each attempt shows in the UI and honours the activity's retry policy.
        maxRetries: 0,
        signal: activitySignal(),
      });
    } catch (err) {
      throw toFailure(err);
    }
    const usage: LlmUsage = {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      cacheCreationInputTokens: message.usage.cache_creation_input_tokens ?? 0,
      cacheReadInputTokens: message.usage.cache_read_input_tokens ?? 0,
    };
    const content = message.content.flatMap((b): LlmContentBlock[] => {
      if (b.type === 'text') return [{ type: 'text', text: b.text }];
      if (b.type === 'tool_use') return [{ type: 'tool_use', id: b.id, name: b.name, input: (b.input ?? {}) as Record<string, unknown> }];
      return [];
    });
    log.info('llm turn', {
      incidentId: input.incidentId, turn: input.turn, stopReason: message.stop_reason, ...usage,
      toolCalls: content.filter((b) => b.type === 'tool_use').map((b) => (b as { name: string }).name),
    });
    if (spent.inputTokens + totalInput(usage) > maxInputTokens) {
      log.warn('llm input budget exceeded by this turn', { incidentId: input.incidentId, limit: maxInputTokens });
    }
    // JSON round trip: SDK objects carry fields and prototypes Temporal's payload converter should not see.
    return JSON.parse(JSON.stringify({ content, stopReason: message.stop_reason ?? 'end_turn', usage })) as LlmTurnResult;
  }

  return { llmTurn };
}

/**
 * Cache breakpoints on the last tool (tools are the prompt's first part), the system prompt, and the newest message,
 * so each turn reads the conversation so far from the cache. Inputs are copied, never changed.
 */
export function buildRequest(
  input: Pick<LlmTurnInput, 'system' | 'tools' | 'messages'>, model: string, maxTokens: number,
): Anthropic.MessageCreateParamsNonStreaming {
  const tools = input.tools.map((t, i) => (i === input.tools.length - 1 ? { ...t, cache_control: EPHEMERAL } : t));
  const messages = input.messages.map((m, i) => (i === input.messages.length - 1 ? withBreakpoint(m) : m));
  return {
    model,
    max_tokens: maxTokens,
    system: [{ type: 'text', text: input.system, cache_control: EPHEMERAL }],
    messages,
    // Out of read-only calls, the workflow answers further ones with "conclude now"; no tool is ever forced, so the
    // model can always finish with its answer.
    ...(tools.length ? { tools } : {}),
  };
}

function withBreakpoint(m: Anthropic.MessageParam): Anthropic.MessageParam {
  if (typeof m.content === 'string') return { ...m, content: [{ type: 'text', text: m.content, cache_control: EPHEMERAL }] };
  if (!m.content.length) return m;
  const blocks = m.content.map((b, i) => (i === m.content.length - 1 ? { ...b, cache_control: EPHEMERAL } : b));
  return { ...m, content: blocks } as Anthropic.MessageParam;
}

function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** 429/529/5xx/timeouts retry (429 after the server's retry-after); a refused request or key never will. */
export function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = err as { status?: unknown; message?: string; headers?: { get?(name: string): string | null }; error?: { error?: { type?: string; message?: string } } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const apiType = e.error?.error?.type;
  const detail = e.error?.error?.message ?? e.message ?? String(err);
  if (status === undefined) {
    return ApplicationFailure.retryable(`Anthropic API unreachable or timed out: ${detail}`, 'LlmUnavailable');
  }
  if (status === 429) {
    const retryAfter = Number(e.headers?.get?.('retry-after'));
    return ApplicationFailure.create({
      message: `Anthropic API rate limited (429): ${detail}`, type: 'LlmRateLimited',
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { nextRetryDelay: `${retryAfter}s` } : {}),
    });
  }
  if (status === 529) return ApplicationFailure.retryable(`Anthropic API overloaded (529): ${detail}`, 'LlmOverloaded');
  if (status >= 500 || status === 408 || status === 409) return ApplicationFailure.retryable(`Anthropic API error (${status}): ${detail}`, 'LlmUnavailable');
  const hint: Record<number, string> = {
    401: 'the API key was refused: check ANTHROPIC_API_KEY',
    403: 'the API key may not use this model or feature',
    404: 'not found: check LLM_MODEL and ANTHROPIC_BASE_URL',
    413: 'the request is too large: fewer or shorter tool results',
  };
  const what = hint[status] ?? `the request was refused${apiType ? ` (${apiType})` : ''}: ${detail}`;
  return ApplicationFailure.nonRetryable(`Anthropic API ${status}: ${what}`, status === 401 ? 'LlmAuth' : 'LlmRequestRefused');
}
