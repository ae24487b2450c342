/**
 * The LLM agent loop. Deterministic and free of I/O: every model turn and every tool call goes through `ports`, which
 * the incident workflow backs with activities (durable, retried, one row each in the Temporal UI) and `diagnose`
 * backs with direct calls. The model only ever proposes: proposals pass `validateProposal` against the allowed
 * actions and the objects the investigation saw, and still wait for an approver.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { PreparedAgent } from '../activities/agent.js';
import type { LlmContentBlock, LlmTurnInput, LlmTurnResult } from '../activities/llm.js';
import type { Category, Diagnosis, Remediation } from '../core/diagnosis.js';
import { parseFinalAnswer, quoteUntrusted } from '../core/llm-prompt.js';
import { PROPOSE_REMEDIATION, validateProposal } from '../core/proposals.js';

export interface AgentLimits {
  /** Read-only tool calls per incident; default 8. */
  maxToolCalls: number;
  /** Input tokens per incident, cached or not; default 20,000. */
  maxInputTokens: number;
}

export const defaultAgentLimits: AgentLimits = { maxToolCalls: 8, maxInputTokens: 20_000 };

export interface AgentPorts {
  llmTurn(input: LlmTurnInput): Promise<LlmTurnResult>;
  /** Runs the read-only activity `activity` (from `PreparedAgent.routes`) with the model's input. */
  callTool(activity: string, input: Record<string, unknown>): Promise<unknown>;
  /** True when a failed turn means "this incident's input budget is used up" rather than "the LLM failed". */
  isBudgetExhausted(err: unknown): boolean;
}

export interface AgentUsage {
  turns: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
}

export interface AgentResult {
  proposals: Remediation[];
  category?: Category;
  rootCause?: string;
  usage: AgentUsage;
  /** Why the loop ended before the model finished, when it did. */
  stoppedEarly?: string;
  /** Proposals the validator turned down, as told to the model. */
  refusedProposals: string[];
}

const MAX_PROPOSALS = 4;
const MAX_TOOL_RESULT_CHARS = 6_000;

export async function runAgent(
  incidentId: string, prepared: PreparedAgent, ports: AgentPorts, limits: AgentLimits = defaultAgentLimits,
): Promise<AgentResult> {
  const messages: Anthropic.MessageParam[] = [...prepared.messages];
  const known = new Map(prepared.knownTargets.map(([key, uid]) => [key, uid ?? undefined]));
  const usage: AgentUsage = { turns: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0 };
  const proposals: Remediation[] = [];
  const refusedProposals: string[] = [];
  let finalText = '';
  let stoppedEarly: string | undefined;
  // Every turn but the last ends in tool calls; a model that never stops is cut off after this many.
  const maxTurns = limits.maxToolCalls + 4;

  for (;;) {
    if (usage.turns >= maxTurns) {
      stoppedEarly = `stopped after ${usage.turns} turns without a final answer`;
      break;
    }
    usage.turns += 1;
    let turn: LlmTurnResult;
    try {
      turn = await ports.llmTurn({
        incidentId, system: prepared.system, tools: prepared.tools, messages, turn: usage.turns,
        spent: { toolCalls: usage.toolCalls, inputTokens: usage.inputTokens }, maxInputTokens: limits.maxInputTokens,
      });
    } catch (err) {
      if (!ports.isBudgetExhausted(err)) throw err;
      usage.turns -= 1;
      stoppedEarly = `the input budget of ${limits.maxInputTokens} tokens was used up`;
      break;
    }
    const u = turn.usage;
    usage.inputTokens += u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
    usage.outputTokens += u.outputTokens;
    messages.push({ role: 'assistant', content: turn.content as Anthropic.ContentBlockParam[] });

    const calls = turn.content.filter((b): b is Extract<LlmContentBlock, { type: 'tool_use' }> => b.type === 'tool_use');
    if (!calls.length) {
      finalText = turn.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('\n');
      break;
    }
    // Proposals first and in order, so their IDs follow the model's order; read-only tools then run in parallel.
    const answers = new Map<string, Anthropic.ToolResultBlockParam>();
    for (const call of calls.filter((c) => c.name === PROPOSE_REMEDIATION)) answers.set(call.id, propose(call));
    const reads = calls.filter((c) => c.name !== PROPOSE_REMEDIATION);
    const results = await Promise.all(reads.map((call) => read(call)));
    reads.forEach((call, i) => answers.set(call.id, results[i]));
    messages.push({ role: 'user', content: calls.map((c) => answers.get(c.id)!) });

    if (usage.inputTokens >= limits.maxInputTokens) {
      stoppedEarly = `the input budget of ${limits.maxInputTokens} tokens was used up`;
      break;
    }
  }

  const { category, rootCause } = parseFinalAnswer(finalText);
  return { proposals, category, rootCause, usage, stoppedEarly, refusedProposals };

  function propose(call: { id: string; input: Record<string, unknown> }): Anthropic.ToolResultBlockParam {
    if (proposals.length >= MAX_PROPOSALS) return error(call.id, `at most ${MAX_PROPOSALS} proposals per incident; this one was not kept`);
    const result = validateProposal(call.input, { knownTargets: known, allowedActions: prepared.allowedActions, id: `p${proposals.length + 1}` });
    if (!result.ok) {
      refusedProposals.push(result.error);
      return error(call.id, result.error);
    }
    const r = result.remediation;
    const same = proposals.find((p) => p.action === r.action && sameTarget(p, r) && JSON.stringify(p.params) === JSON.stringify(r.params));
    if (same) return error(call.id, `this is the same as proposal ${same.id}; not added twice`);
    proposals.push(r);
    return { type: 'tool_result', tool_use_id: call.id, content: `Recorded as proposal ${r.id}. It waits for a human approver; nothing has been executed.` };
  }

  async function read(call: { id: string; name: string; input: Record<string, unknown> }): Promise<Anthropic.ToolResultBlockParam> {
    const activity = Object.hasOwn(prepared.routes, call.name) ? prepared.routes[call.name] : undefined;
    if (!activity) return error(call.id, `there is no tool named ${JSON.stringify(call.name.slice(0, 60))}`);
    if (usage.toolCalls >= limits.maxToolCalls) {
      return error(call.id, `the budget of ${limits.maxToolCalls} tool calls for this incident is used up: conclude from what you have`);
    }
    usage.toolCalls += 1;
    let output: unknown;
    try {
      output = await ports.callTool(activity, call.input ?? {});
    } catch (err) {
      return error(call.id, `${call.name} failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    return {
      type: 'tool_result', tool_use_id: call.id,
      content: quoteUntrusted(`tool ${call.name}`, JSON.stringify(output), { maxChars: MAX_TOOL_RESULT_CHARS }),
    };
  }
}

/**
 * The diagnosis the report shows: the analyser's evidence (real values, quoted), the model's category and root cause
 * when it gave them, the model's validated proposals first and the analyser's other proposals after them.
 */
export function mergeDiagnosis(runbook: Diagnosis, agent: AgentResult, model: string): Diagnosis {
  const proposals = [...agent.proposals];
  for (const r of runbook.remediations) {
    if (proposals.length >= MAX_PROPOSALS) break;
    if (proposals.some((p) => p.action === r.action && sameTarget(p, r))) continue;
    if (r.action === 'none' && proposals.some((p) => p.action !== 'none')) continue;
    proposals.push(r);
  }
  // Remediations keep the analyser's target UIDs; IDs are renumbered in the order shown.
  const remediations = proposals.map((p, i) => ({ ...p, id: `p${i + 1}` }));
  const category = agent.category ?? runbook.category;
  const summary = category === runbook.category || !agent.rootCause ? runbook.summary : agent.rootCause.split('\n')[0];
  const { turns, toolCalls, inputTokens, outputTokens } = agent.usage;
  return {
    category, summary, evidence: runbook.evidence, remediations,
    ...(agent.rootCause ? { rootCause: agent.rootCause } : {}),
    engine: {
      kind: 'llm', model, turns, toolCalls, inputTokens, outputTokens,
      ...(agent.stoppedEarly ? { note: `The LLM ${agent.stoppedEarly}; its findings so far are used.` } : {}),
    },
  };
}

function sameTarget(a: Remediation, b: Remediation): boolean {
  return a.target.kind === b.target.kind && a.target.namespace === b.target.namespace && a.target.name === b.target.name;
}

function error(id: string, text: string): Anthropic.ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: id, content: text, is_error: true };
}
