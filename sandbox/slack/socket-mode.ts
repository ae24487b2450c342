import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SlackStore } from './store.js';
import type { MethodHandler } from './web-api.js';
import { acceptWebSocket, type WebSocketConnection } from './websocket.js';

/**
 * Slack's Socket Mode for the emulator: `apps.connections.open` (app-level token) hands out a one-time ws:// URL;
 * the connection gets a `hello`, then envelopes (`events_api`, `interactive`, `slash_commands`) that the app must
 * ack with their `envelope_id`. While an app is connected, the emulator sends it everything this way instead of HTTP.
 */

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface SocketAck {
  envelopeId: string;
  payload?: unknown;
}

const LINK_PATH = '/link/';

export class SocketModeServer {
  /** Every ack received, in order. */
  readonly acks: SocketAck[] = [];
  /** Every envelope sent, in order. */
  readonly envelopes: Record<string, unknown>[] = [];
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<WebSocketConnection>();
  private readonly pending = new Map<string, (ack: SocketAck) => void>();

  constructor(
    private readonly store: SlackStore,
    private readonly baseUrl: () => string,
  ) {}

  /** Open connections (Slack allows an app up to ten). */
  get connected(): number {
    return [...this.connections].filter((c) => c.open).length;
  }

  methods(): Record<string, MethodHandler> {
    return {
      'apps.connections.open': () => {
        const ticket = randomUUID();
        this.tickets.add(ticket);
        const url = new URL(`${LINK_PATH}?ticket=${ticket}&app_id=${this.store.opts.appId}`, this.baseUrl());
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        return { url: url.toString() };
      },
    };
  }

  /** node's `upgrade` event: true when the request was for Socket Mode (answered either way). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== LINK_PATH) return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return true;
    }
    const ws = acceptWebSocket(req, socket, head);
    if (!ws) return true;
    this.connections.add(ws);
    ws.onText = (text) => this.receive(text);
    ws.onClose = () => this.connections.delete(ws);
    ws.sendText(JSON.stringify({
      type: 'hello',
      num_connections: this.connections.size,
      debug_info: { host: 'applink-emulator', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.store.opts.appId },
    }));
    return true;
  }

  /** Sends one envelope over an open connection; resolves with the app's ack, rejects when none comes in time. */
  async send(
    type: EnvelopeType,
    payload: unknown,
    { timeoutMs = 3000, retryAttempt = 0, retryReason = '' } = {},
  ): Promise<SocketAck> {
    const ws = [...this.connections].find((c) => c.open);
    if (!ws) throw new Error('no Socket Mode connection is open: start the app with SLACK_APP_TOKEN first');
    const envelopeId = randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: retryAttempt, retry_reason: retryReason } : {}),
    };
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`the app did not ack ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    this.envelopes.push(envelope);
    ws.sendText(JSON.stringify(envelope));
    return await acked;
  }

  /**
   * The request Slack would have POSTed to the app, delivered as an envelope instead; the ack becomes the response,
   * so the emulator's helpers (clickButton, addReaction, sendEvent...) work unchanged in Socket Mode.
   */
  async deliver(body: string, contentType: string, headers: Record<string, string>): Promise<Response> {
    let type: EnvelopeType;
    let payload: unknown;
    if (contentType.includes('application/json')) {
      type = 'events_api';
      payload = JSON.parse(body);
    } else {
      const form = new URLSearchParams(body);
      const interactive = form.get('payload');
      type = interactive ? 'interactive' : 'slash_commands';
      payload = interactive ? JSON.parse(interactive) : Object.fromEntries(form);
    }
    const retry = headers['x-slack-retry-num'];
    const ack = await this.send(type, payload, { retryAttempt: Number(retry ?? 0), retryReason: headers['x-slack-retry-reason'] ?? '' });
    return new Response(JSON.stringify(ack.payload ?? {}), { status: 200, headers: { 'content-type': 'application/json' } });
  }

  /** Slack's `disconnect` message (e.g. before a connection is refreshed): the client should reconnect. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const ws of this.connections) ws.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } }));
  }

  closeAll(): void {
    for (const ws of this.connections) ws.close(1001, 'emulator stopping', 200);
    this.connections.clear();
  }

  private receive(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const ack = { envelopeId: message.envelope_id, payload: message.payload };
    this.acks.push(ack);
    this.pending.get(ack.envelopeId)?.(ack);
    this.pending.delete(ack.envelopeId);
  }
}
