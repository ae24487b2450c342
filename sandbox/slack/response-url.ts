import { randomBytes } from 'node:crypto';
import type { SlackStore } from './store.js';

/** response_url: a one-off URL per interaction through which the app can answer the person who clicked. */

export interface ResponseTarget {
  channel: string;
  messageTs: string;
  userId: string;
}

export interface RecordedResponse {
  target: ResponseTarget;
  body: Record<string, unknown>;
  at: number;
}

export class ResponseUrls {
  private readonly targets = new Map<string, ResponseTarget>();
  readonly received: RecordedResponse[] = [];

  constructor(private readonly store: SlackStore) {}

  create(baseUrl: string, target: ResponseTarget): string {
    const id = randomBytes(12).toString('hex');
    this.targets.set(id, target);
    return `${baseUrl}/response/${id}`;
  }

  /**
   * Applies a response the way Slack does: delete_original, replace_original, response_type 'in_channel'
   * (a new visible message) or, by default, an ephemeral message for the person who clicked.
   */
  apply(id: string, body: Record<string, unknown>): { status: number; body: Record<string, unknown> } {
    const target = this.targets.get(id);
    if (!target) return { status: 404, body: { ok: false, error: 'expired_url' } };
    this.received.push({ target, body, at: Date.now() });
    const { store } = this;
    const original = store.find(target.channel, target.messageTs);
    const flag = (key: string) => body[key] === true || body[key] === 'true';
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const attachments = Array.isArray(body.attachments) ? body.attachments : undefined;
    const text = typeof body.text === 'string' ? body.text : '';
    if (flag('delete_original')) {
      if (original) store.remove(original.channel, original.ts);
      return { status: 200, body: { ok: true } };
    }
    if (flag('replace_original')) {
      if (!original) return { status: 404, body: { ok: false, error: 'message_not_found' } };
      Object.assign(original, { text, blocks: blocks && store.withBlockIds(blocks), attachments });
      store.touch();
      return { status: 200, body: { ok: true } };
    }
    const { botUserId, botId } = store.opts;
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : original?.threadTs;
    const ephemeralFor = body.response_type === 'in_channel' ? undefined : target.userId;
    store.addMessage({
      channel: target.channel,
      threadTs,
      text,
      user: botUserId,
      botId,
      blocks,
      attachments,
      ephemeralFor,
    });
    return { status: 200, body: { ok: true } };
  }
}
