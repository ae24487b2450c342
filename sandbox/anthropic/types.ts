/** Shapes the Messages API test server reads and writes, loosely typed: requests are checked in validate.ts. */

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';

export interface ScriptedText {
  type: 'text';
  text: string;
}

export interface ScriptedToolUse {
  type: 'tool_use';
  name: string;
  input: Record<string, unknown>;
  /** Generated (`toolu_...`) when absent. */
  id?: string;
}

export type ScriptedBlock = ScriptedText | ScriptedToolUse;

/** One model turn: its content blocks, or those plus an explicit stop reason. */
export type ScriptedTurn = ScriptedBlock[] | { content: ScriptedBlock[]; stop_reason?: StopReason };

/** A request as the server parsed it (the JSON body of `POST /v1/messages`). */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: { role: 'user' | 'assistant' | 'system'; content: string | Record<string, unknown>[] }[];
  system?: string | Record<string, unknown>[];
  tools?: Record<string, unknown>[];
  tool_choice?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Builds the next turn from the request; `index` counts successful turns answered so far. */
export type Responder = (request: MessagesRequest, index: number) => ScriptedTurn | Promise<ScriptedTurn>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  /** The body as sent. */
  raw: string;
  /** The parsed body, when it passed validation. */
  body?: MessagesRequest;
  /** The status the server answered with. */
  status: number;
  at: number;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Anthropic's error types by HTTP status. */
export const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }

  get type(): string {
    return errorTypes[this.status] ?? (this.status >= 500 ? 'api_error' : 'invalid_request_error');
  }
}
