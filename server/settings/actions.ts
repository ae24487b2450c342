import { notificationLabels, notificationTypes, maskWebhook } from '../../core/settings.js';
import { botToken, openWebhook, type SettingsDeps } from './context.js';
import { advice, postWebhook, SlackCallError } from './slack-admin.js';
import type { TestResult } from './views.js';

interface Destination {
  /** `unreadable`: a stored webhook URL that cannot be decrypted; its target is the notification type. */
  kind: 'channel' | 'dm' | 'webhook' | 'unreadable';
  target: string;
  label: string;
  types: string[];
}

/** Sends one sample to every distinct destination of the saved routing; one failing never stops the others. */
export async function deliverTests(deps: SettingsDeps, teamId: string): Promise<TestResult[]> {
  const { routing } = await deps.store.read(teamId);
  const destinations = new Map<string, Destination>();
  const add = (kind: Destination['kind'], target: string, label: string, type: string) => {
    const key = `${kind}:${target}`;
    const d = destinations.get(key) ?? { kind, target, label, types: [] };
    d.types.push(notificationLabels[type as keyof typeof notificationLabels]);
    destinations.set(key, d);
  };
  for (const type of notificationTypes) {
    const route = routing[type];
    if (!route) continue;
    for (const c of route.channels) add('channel', c, `channel ${c}`, type);
    for (const u of route.users) add('dm', u, `DM to ${u}`, type);
    if (route.webhook) {
      // An unreadable URL is one failed destination of its own, not an error page.
      const url = openWebhook(deps, teamId, type, route.webhook);
      if (url) add('webhook', url, `webhook ${maskWebhook(url)}`, type);
      else add('unreadable', type, `webhook for ${type} (unreadable)`, type);
    }
  }
  const token = await botToken(deps, teamId);
  const text = (d: Destination) => `:wave: Test notification from Lookout for ${d.types.join(', ')}. Sent from the settings page; no action needed.`;
  return await Promise.all([...destinations.values()].map(async (d): Promise<TestResult> => {
    try {
      if (d.kind === 'unreadable') throw new SlackCallError('webhook_unreadable', 'settings');
      if (d.kind === 'webhook') await postWebhook(d.target, text(d));
      else if (!token) throw new SlackCallError('not_installed', 'settings');
      else if (d.kind === 'channel') await deps.slack.postMessage(token, d.target, text(d));
      else await deps.slack.directMessage(token, d.target, text(d));
      return { destination: d.label, types: d.types, ok: true };
    } catch (err) {
      const code = err instanceof SlackCallError ? err.code : `unreachable: ${(err as Error).message}`;
      return { destination: d.label, types: d.types, ok: false, error: code, advice: advice(code) };
    }
  }));
}
