/**
 * Token estimates and a prompt cache that behaves like Anthropic's: the prompt is tools, then system, then messages;
 * a block marked `cache_control` writes the prefix ending there, and a later request reads the longest such prefix it
 * repeats exactly (looking back up to 20 blocks from each breakpoint, as the API does).
 */
import { createHash } from 'node:crypto';
import type { MessagesRequest, ScriptedBlock, Usage } from './types.js';

const LOOKBACK_BLOCKS = 20;
/** Role markers, tool_choice and the like. */
const REQUEST_OVERHEAD_TOKENS = 8;

/** About four characters per token, which is close enough for budgets and tests. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

interface Segment {
  text: string;
  breakpoint: boolean;
}

function segments(req: MessagesRequest): Segment[] {
  const out: Segment[] = [];
  // A string is one text block to the API, so `"x"` and `[{type: 'text', text: 'x'}]` share a cached prefix.
  const push = (block: unknown, prefix = '') => {
    const { cache_control: cc, ...rest } = (typeof block === 'string' ? { type: 'text', text: block } : block) as Record<string, unknown>;
    out.push({ text: prefix + JSON.stringify(rest), breakpoint: cc !== undefined });
  };
  for (const tool of req.tools ?? []) push(tool, 'tool:');
  if (typeof req.system === 'string') push(req.system, 'system:');
  else for (const block of req.system ?? []) push(block, 'system:');
  req.messages.forEach((m, i) => {
    if (typeof m.content === 'string') push(m.content, `${i}:${m.role}:`);
    else for (const block of m.content) push(block, `${i}:${m.role}:`);
  });
  return out;
}

export class PromptCache {
  private readonly entries = new Set<string>();

  constructor(private readonly minCacheTokens = 0) {}

  /** Input-side usage of one request; remembers the prefixes it writes. */
  account(req: MessagesRequest): Omit<Usage, 'output_tokens'> {
    const segs = segments(req);
    const hashes: string[] = [];
    const tokensTo: number[] = [];
    let hash = req.model;
    let tokens = 0;
    for (const s of segs) {
      hash = createHash('sha256').update(hash).update('\0').update(s.text).digest('hex');
      tokens += estimateTokens(s.text);
      hashes.push(hash);
      tokensTo.push(tokens);
    }
    const total = tokens + REQUEST_OVERHEAD_TOKENS;
    const breakpoints = segs.flatMap((s, i) => (s.breakpoint ? [i] : []));
    let read = 0;
    for (const p of breakpoints) {
      for (let i = p; i >= Math.max(0, p - LOOKBACK_BLOCKS); i--) {
        if (this.entries.has(hashes[i])) {
          read = Math.max(read, tokensTo[i]);
          break;
        }
      }
    }
    let created = 0;
    for (const p of breakpoints) {
      if (tokensTo[p] < this.minCacheTokens || this.entries.has(hashes[p])) continue;
      this.entries.add(hashes[p]);
      created = Math.max(created, tokensTo[p] - read);
    }
    return {
      input_tokens: total - read - created,
      cache_creation_input_tokens: created,
      cache_read_input_tokens: read,
    };
  }

  clear(): void {
    this.entries.clear();
  }
}

export function outputTokens(content: ScriptedBlock[]): number {
  return Math.max(1, estimateTokens(content.map((b) => (b.type === 'text' ? b.text : JSON.stringify(b.input) + b.name)).join('')));
}
