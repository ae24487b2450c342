import { Client, Connection } from '@temporalio/client';
import { signSlackRequest } from '../../sandbox/slack/signature.js';

/** A request as it went over the wire: what a person who captured it could send again. */
export interface CapturedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Runs `send` (an emulator call that signs and posts to the app) and returns its request as sent. The emulator uses the
 * global fetch, so the request is copied on its way out and then delivered unchanged.
 */
export async function capture(send: () => Promise<Response>): Promise<{ request: CapturedRequest; response: Response }> {
  const original = globalThis.fetch;
  let request: CapturedRequest | undefined;
  globalThis.fetch = async (input, init) => {
    if (!request && init?.body !== undefined) {
      request = { url: String(input), body: String(init.body), headers: { ...(init.headers as Record<string, string>) } };
    }
    return await original(input, init);
  };
  try {
    const response = await send();
    if (!request) throw new Error('capture: nothing was sent');
    return { request, response };
  } finally {
    globalThis.fetch = original;
  }
}

/** Sends a captured request again, byte for byte. */
export function replay(r: CapturedRequest): Promise<Response> {
  return fetch(r.url, { method: 'POST', body: r.body, headers: r.headers });
}

/** A `block_actions` payload changed by `tamper`, then signed anew with the app's signing secret (a forger holding it). */
export function resignedAction(r: CapturedRequest, secret: string, tamper: (payload: any) => void): Promise<Response> {
  const payload = JSON.parse(new URLSearchParams(r.body).get('payload')!);
  tamper(payload);
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(r.url, {
    method: 'POST', body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(secret, timestamp, body),
    },
  });
}

/** A Temporal client on the test run's dev server, to count the workflows a stack started. */
export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export async function countWorkflows(client: Client, taskQueue: string): Promise<number> {
  return (await client.workflow.count(`TaskQueue = '${taskQueue}'`)).count;
}

/** What a response body must never show: stack frames, source paths, internal error names. */
export const LEAK = /\bat .+\(|\/work\/|node_modules|\.ts:\d+|\bTypeError\b|\bReferenceError\b|\bstack\b/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
