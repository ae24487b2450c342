import { alertFingerprint, parseSlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import { where } from '../../../fixtures/slack/alertmanager.js';
import { humanMessage, webhookBotPost } from '../../../fixtures/slack/other.js';

const parse = (m: Parameters<typeof parseSlackAlertMessage>[0]) => parseSlackAlertMessage(m, where);

describe('the generic fallback for other bots', () => {
  test('a bot\'s "CRITICAL: disk full on node-3" is a critical alert named without its prefix', () => {
    expect(parse(webhookBotPost('CRITICAL: disk full on node-3'))).toEqual({
      source: 'slack',
      alerts: [{
        key: 'slack-T0LOOKOUT-C0ALERTS-1795238700.000100',
        source: 'slack', status: 'firing', name: 'disk full on node-3', severity: 'critical',
        summary: 'CRITICAL: disk full on node-3', description: 'CRITICAL: disk full on node-3',
        labels: {}, annotations: { bot: 'nagios' }, startsAt: '2026-11-21T05:25:00.000Z', target: {},
        slack: { teamId: 'T0LOOKOUT', channel: 'C0ALERTS', ts: '1795238700.000100' },
      }],
    });
  });

  test('its "RESOLVED:" message is resolved with the same fingerprint', () => {
    const [firing] = parse(webhookBotPost('CRITICAL: disk full on node-3'))!.alerts;
    const [resolved] = parse(webhookBotPost('RESOLVED: disk full on node-3', '1795242300.000100'))!.alerts;
    expect(resolved).toMatchObject({ status: 'resolved', severity: 'info', name: 'disk full on node-3' });
    expect(alertFingerprint(resolved)).toBe(alertFingerprint(firing));
    expect(alertFingerprint(parse(webhookBotPost('CRITICAL: disk full on node-4'))!.alerts[0])).not.toBe(alertFingerprint(firing));
  });

  test('Kubernetes pairs in the text point at the target', () => {
    const [alert] = parse(webhookBotPost(':rotating_light: WARNING: pod=cart-7d9f8b6c5-x2k4p namespace=shop is failing its readiness probe'))!.alerts;
    expect(alert).toMatchObject({
      severity: 'warning', name: 'pod=cart-7d9f8b6c5-x2k4p namespace=shop is failing its readiness probe',
      labels: { pod: 'cart-7d9f8b6c5-x2k4p', namespace: 'shop' }, target: { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p' },
    });
  });

  test.each([
    ['Deployed v1.2.3'],
    ['Deployed v1.2.3 to production: 4/4 pods ready'],
    ['Scaled down checkout to 2 replicas'],
    ['Good morning! Standup in 10 minutes'],
  ])('a bot\'s "%s" is not an alert', (text) => {
    expect(parse(webhookBotPost(text, '1795238701.000100', 'deploybot'))).toBeUndefined();
  });

  test.each([
    ['anyone seen the error rate dashboard?'],
    ['CRITICAL: disk full on node-3'],
  ])('a person\'s "%s" is not an alert', (text) => {
    expect(parse(humanMessage(text))).toBeUndefined();
  });

  test.each([
    ['Service checkout is down', 'firing'],
    ['[ALERT] Checkout error rate above 5%', 'firing'],
    ['Recovered: Checkout error rate back to normal', 'resolved'],
  ])('a bot\'s "%s" is a %s alert', (text, status) => {
    expect(parse(webhookBotPost(text))!.alerts[0].status).toBe(status);
  });
});
