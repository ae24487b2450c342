import { parseSlackAlertMessage, type SlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import { amDefaultFiring, where } from '../../../fixtures/slack/alertmanager.js';
import { grafanaFiring } from '../../../fixtures/slack/grafana.js';
import {
  botThreadReply, channelJoin, humanMessage, lookoutOwnPost, messageDeleted, webhookBotPost,
} from '../../../fixtures/slack/other.js';
import { sentryBlocks } from '../../../fixtures/slack/sentry.js';

describe('parseSlackAlertMessage: what is not an alert', () => {
  test('Lookout\'s own posts, by bot ID, bot user ID or app ID', () => {
    expect(parseSlackAlertMessage(lookoutOwnPost(), where)).toMatchObject({ source: 'alertmanager' });
    expect(parseSlackAlertMessage(lookoutOwnPost(), where, { ownBotId: 'B0LOOKOUT1' })).toBeUndefined();
    expect(parseSlackAlertMessage(lookoutOwnPost(), where, { ownBotId: 'U0LOOKOUT1' })).toBeUndefined();
    expect(parseSlackAlertMessage(lookoutOwnPost(), where, { ownAppId: 'A0LOOKOUT1' })).toBeUndefined();
    expect(parseSlackAlertMessage(lookoutOwnPost(), where, { ownBotId: 'B0SOMEONE1', ownAppId: 'A0SOMEONE1' })).toMatchObject({ source: 'alertmanager' });
  });

  test('thread replies, joins, deletions and other subtypes', () => {
    expect(parseSlackAlertMessage(botThreadReply(), where)).toBeUndefined();
    expect(parseSlackAlertMessage(channelJoin(), where)).toBeUndefined();
    expect(parseSlackAlertMessage(messageDeleted(), where)).toBeUndefined();
    expect(parseSlackAlertMessage({ ...amDefaultFiring(), subtype: 'message_changed' }, where)).toBeUndefined();
    expect(parseSlackAlertMessage({ ...amDefaultFiring(), subtype: 'thread_broadcast', thread_ts: '1795237000.000001' }, where)).toBeUndefined();
  });

  test('a thread\'s parent (thread_ts equal to ts) is still read', () => {
    const parent = { ...amDefaultFiring(), thread_ts: '1795237961.123459' };
    expect(parseSlackAlertMessage(parent, where)!.alerts[0].key).toBe('slack-T0LOOKOUT-C0ALERTS-1795237961.123459');
  });

  test('a person pasting an alert\'s text', () => {
    const pasted = humanMessage('[FIRING:1] KubePodCrashLooping shop (cart warning)');
    expect(parseSlackAlertMessage(pasted, where)).toBeUndefined();
  });

  test('keys follow the team and channel given, not the message\'s own channel field', () => {
    const parsed = parseSlackAlertMessage(sentryBlocks(), { teamId: 'T0OTHER', channel: 'C0OTHER' })!;
    expect(parsed.alerts[0].key).toBe('slack-T0OTHER-C0OTHER-1795240500.000100');
    expect(parsed.alerts[0].slack).toEqual({ teamId: 'T0OTHER', channel: 'C0OTHER', ts: '1795240500.000100' });
  });
});

describe('parseSlackAlertMessage: bad or odd input never throws', () => {
  const odd: [string, unknown][] = [
    ['null', null],
    ['a string', 'hello'],
    ['no ts', { ...webhookBotPost('CRITICAL: disk full'), ts: undefined }],
    ['a ts that is not one', { ...webhookBotPost('CRITICAL: disk full'), ts: 'yesterday' }],
    ['another event type', { ...webhookBotPost('CRITICAL: disk full'), type: 'reaction_added' }],
    ['attachments not an array', { ...amDefaultFiring(), attachments: 'nope' }],
    ['attachments of nulls and numbers', { ...amDefaultFiring(), attachments: [null, 7, 'x'] }],
    ['blocks of garbage', { ...sentryBlocks(), blocks: [null, { type: 'section', text: 5 }, { type: 'rich_text', elements: 'x' }] }],
    ['a title link that is not a URL', { ...sentryBlocks(), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':red_circle: <http://[|*x*>' } }] }],
  ];
  test.each(odd)('%s: undefined', (_name, message) => {
    expect(() => parseSlackAlertMessage(message as SlackAlertMessage, where)).not.toThrow();
    expect(parseSlackAlertMessage(message as SlackAlertMessage, where)).toBeUndefined();
  });

  test('missing where gives undefined', () => {
    expect(parseSlackAlertMessage(amDefaultFiring(), undefined as unknown as typeof where)).toBeUndefined();
  });

  test('a malformed attachment next to a good one: the good one is read', () => {
    const m = grafanaFiring();
    m.attachments = [{ title: 42, text: { nested: true }, fields: 'x' }, ...m.attachments!];
    expect(parseSlackAlertMessage(m, where)!.alerts[0]).toMatchObject({ source: 'grafana', name: 'CheckoutErrorRate' });
  });

  test('huge text is capped: description at 4000 characters', () => {
    const huge = `CRITICAL: disk full on node-3\n${'x'.repeat(200_000)}`;
    const [alert] = parseSlackAlertMessage(webhookBotPost(huge), where)!.alerts;
    expect(alert.name).toBe('disk full on node-3');
    expect(alert.description.length).toBe(4000);
    const grafana = grafanaFiring();
    grafana.attachments = [{ ...grafana.attachments![0], text: `**Firing**\n\nValue: A=1\nLabels:\n - alertname = X\nAnnotations:\n - description = ${'y'.repeat(50_000)}\n` }];
    const { description } = parseSlackAlertMessage(grafana, where)!.alerts[0];
    expect(description).toMatch(/^y{3900,3999}…?$/);
  });

  test('many alert blocks in one message stay within 100 alerts', () => {
    const block = (i: number) => `Labels:\n - alertname = PodRestarting\n - pod = p-${i}\n`;
    const m = amDefaultFiring();
    m.attachments = [{ title: '[FIRING:500] PodRestarting', text: Array.from({ length: 500 }, (_, i) => block(i)).join('') }];
    const { alerts } = parseSlackAlertMessage(m, where)!;
    expect(alerts).toHaveLength(100);
    expect(alerts[99].key).toBe('slack-T0LOOKOUT-C0ALERTS-1795237961.123459-100');
  });
});
