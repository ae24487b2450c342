/** The checks the Messages API makes before a model sees a request, with its wording where it is well known. */
import { ApiError } from './types.js';
import type { MessagesRequest } from './types.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MAX_CACHE_BREAKPOINTS = 4;

const bad = (message: string) => new ApiError(400, message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseMessagesRequest(raw: string): MessagesRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw bad('There was an issue with your request body: it is not valid JSON.');
  }
  if (!isObject(body)) throw bad('The request body must be a JSON object.');
  validate(body);
  return body as MessagesRequest;
}

function validate(body: Record<string, unknown>): void {
  for (const field of ['model', 'max_tokens', 'messages']) {
    if (body[field] === undefined) throw bad(`${field}: Field required`);
  }
  if (typeof body.model !== 'string' || !body.model) throw bad('model: Input should be a valid string');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    throw bad('max_tokens: Input should be a positive integer');
  }
  if (body.stream === true) throw bad('stream: this test server answers non-streaming requests only');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw bad('messages: at least one message is required');
  if (body.system !== undefined) checkTextBlocks(body.system, 'system');
  if (body.tools !== undefined) checkTools(body.tools);
  checkToolChoice(body.tool_choice, body.tools);
  body.messages.forEach((m, i, all) => checkMessage(m, i, i === all.length - 1));
  checkToolPairs(body.messages as MessagesRequest['messages']);
  const breakpoints = countCacheControl(body);
  if (breakpoints > MAX_CACHE_BREAKPOINTS) {
    throw bad(`A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
  }
}

function checkTextBlocks(value: unknown, where: string): void {
  if (typeof value === 'string') return;
  if (!Array.isArray(value)) throw bad(`${where}: Input should be a valid string or list of text blocks`);
  value.forEach((b, i) => {
    if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string') throw bad(`${where}.${i}: Input should be a text block`);
    if (!b.text) throw bad(`${where}: text content blocks must be non-empty`);
  });
}

function checkTools(tools: unknown): void {
  if (!Array.isArray(tools)) throw bad('tools: Input should be a valid list');
  const seen = new Set<string>();
  tools.forEach((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string') throw bad(`tools.${i}.name: Field required`);
    if (!TOOL_NAME.test(t.name)) throw bad(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    if (seen.has(t.name)) throw bad(`tools: Tool names must be unique. Duplicate: ${t.name}`);
    seen.add(t.name);
    if (!isObject(t.input_schema) || t.input_schema.type !== 'object') throw bad(`tools.${i}.input_schema: type must be 'object'`);
  });
}

function checkMessage(m: unknown, i: number, last: boolean): void {
  if (!isObject(m)) throw bad(`messages.${i}: Input should be an object`);
  if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
    throw bad(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
  }
  if (m.role === 'system') return checkTextBlocks(m.content, `messages.${i}.content`);
  if (typeof m.content === 'string') {
    if (!m.content && !(last && m.role === 'assistant')) throw bad(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    return;
  }
  if (!Array.isArray(m.content)) throw bad(`messages.${i}.content: Input should be a valid string or list of blocks`);
  m.content.forEach((b, j) => {
    const where = `messages.${i}.content.${j}`;
    if (!isObject(b) || typeof b.type !== 'string') throw bad(`${where}.type: Field required`);
    if (b.type === 'text' && typeof b.text !== 'string') throw bad(`${where}.text: Field required`);
    if (b.type === 'tool_use') {
      if (m.role !== 'assistant') throw bad(`${where}: tool_use blocks may only appear in assistant messages`);
      if (typeof b.id !== 'string' || typeof b.name !== 'string' || !isObject(b.input)) throw bad(`${where}: tool_use needs id, name and input`);
    }
    if (b.type === 'tool_result') {
      if (m.role !== 'user') throw bad(`${where}: tool_result blocks may only appear in user messages`);
      if (typeof b.tool_use_id !== 'string') throw bad(`${where}.tool_use_id: Field required`);
    }
  });
}

/** Every tool_use is answered in the next message, and every tool_result answers one from the previous message. */
function checkToolPairs(messages: MessagesRequest['messages']): void {
  const blocks = (i: number) => (Array.isArray(messages[i]?.content) ? (messages[i].content as Record<string, unknown>[]) : []);
  messages.forEach((_, i) => {
    const uses = blocks(i).filter((b) => b.type === 'tool_use').map((b) => b.id as string);
    if (uses.length && i < messages.length - 1) {
      const answered = new Set(blocks(i + 1).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = uses.filter((id) => !answered.has(id));
      if (missing.length) {
        throw bad(`messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
          'Each `tool_use` block must have a corresponding `tool_result` block in the next message.');
      }
    }
    const previous = new Set(blocks(i - 1).filter((b) => b.type === 'tool_use').map((b) => b.id));
    blocks(i).forEach((b, j) => {
      if (b.type === 'tool_result' && !previous.has(b.tool_use_id)) {
        throw bad(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. ` +
          'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.');
      }
    });
  });
}

function countCacheControl(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countCacheControl(v), 0);
  if (!isObject(value)) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'cache_control') {
      if (!isObject(v) || v.type !== 'ephemeral') throw bad("cache_control.type: Input should be 'ephemeral'");
      n++;
    } else if (key !== 'input' && key !== 'input_schema') {
      n += countCacheControl(v);
    }
  }
  return n;
}

function checkToolChoice(choice: unknown, tools: unknown): void {
  if (choice === undefined) return;
  if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type as string)) {
    throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  }
  const names = Array.isArray(tools) ? tools.map((t) => (t as { name?: unknown }).name) : [];
  if (choice.type === 'tool' && !names.includes(choice.name)) throw bad(`tool_choice: tool ${String(choice.name)} is not in tools`);
  if ((choice.type === 'any' || choice.type === 'tool') && !names.length) throw bad('tool_choice: requires tools');
}
