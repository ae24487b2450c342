import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { WebClientOptions } from '@slack/web-api';
import { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import type { SlackEmulatorOptions } from '../../../sandbox/slack/emulator.js';

/** Shared set-up for the emulator tests: an emulator, a real WebClient on it, and a real Bolt app behind it. */

export const SECRET = 'sandbox-test-signing-secret';
export const TOKEN = 'xoxb-sandbox-test-token';

export async function startEmulator(opts: Partial<SlackEmulatorOptions> = {}): Promise<SlackEmulator> {
  const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN, ...opts });
  await emulator.start();
  return emulator;
}

export function webClient(emulator: SlackEmulator, opts: WebClientOptions = {}, token = TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: emulator.apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    ...opts,
  });
}

export interface BoltHarness {
  url: string;
  actions: { body: Record<string, any>; action: Record<string, any> }[];
  reactions: { event: Record<string, any>; retryNum?: number }[];
  messages: Record<string, any>[];
  stop(): Promise<void>;
}

/** A real Bolt app: verifies signatures, acks, answers button clicks through response_url, replies to 👀 in thread. */
export async function startBolt(emulator: SlackEmulator, signingSecret = SECRET): Promise<BoltHarness> {
  const app = new App({
    token: TOKEN,
    signingSecret,
    clientOptions: { slackApiUrl: emulator.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  const harness = { actions: [], reactions: [], messages: [] } as unknown as BoltHarness;
  app.action(/^approve/, async ({ ack, body, action, respond }) => {
    await ack();
    harness.actions.push({ body: body as Record<string, any>, action: action as Record<string, any> });
    const value = (action as { value?: string }).value;
    await respond(
      value === 'replace' ? { replace_original: true, text: 'Approved' } : { text: `Thanks <@${body.user.id}>` },
    );
  });
  app.event('reaction_added', async ({ event, context, client }) => {
    harness.reactions.push({ event: event as Record<string, any>, retryNum: context.retryNum });
    if (event.item.type === 'message') {
      await client.chat.postMessage({
        channel: event.item.channel,
        thread_ts: event.item.ts,
        text: `seen :${event.reaction}:`,
      });
    }
  });
  app.message(async ({ message }) => {
    harness.messages.push(message as Record<string, any>);
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  harness.stop = async () => {
    await app.stop();
  };
  return harness;
}
