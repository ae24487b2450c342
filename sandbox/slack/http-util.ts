import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers for node:http, so the emulator needs no framework. */

const MAX_BODY = 50 * 1024 * 1024;

/** Fields @slack/web-api JSON-encodes inside form bodies; decoded so handlers and `calls` see real values. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'view']);

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Web API arguments from the query string plus a JSON or form body, the two encodings Slack accepts. */
export function parseArgs(
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
): Record<string, unknown> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  const text = body.toString('utf8');
  if (contentType?.includes('application/json') && text.trim()) {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') Object.assign(args, parsed);
  } else if (contentType?.includes('multipart/form-data')) {
    for (const part of parseMultipart(body, contentType))
      if (!part.filename) args[part.name] = part.data.toString('utf8');
  } else if (text) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(text)));
  }
  for (const key of JSON_FIELDS) args[key] = decodeJsonField(args[key]);
  return args;
}

function decodeJsonField(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Just enough multipart/form-data parsing for the upload URL, which WebClient posts as a form. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2);
    const split = chunk.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = chunk.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      parts.push({ name, filename, contentType: type, data: chunk.subarray(split + 4) });
    }
    start = next;
  }
  return parts;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(text);
}
