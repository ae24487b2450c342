import { alertFingerprint, parseSlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import { where } from '../../../fixtures/slack/alertmanager.js';
import {
  checkoutIssue, sentryBlocks, sentryBlocksResolved, sentryLegacyAttachment, slowQueryIssue,
} from '../../../fixtures/slack/sentry.js';

const parse = (m: Parameters<typeof parseSlackAlertMessage>[0]) => parseSlackAlertMessage(m, where);

describe('Sentry issue alerts in Slack', () => {
  test('Block Kit issue alert: title, culprit, event text, project, environment, level, issue id', () => {
    expect(parse(sentryBlocks())).toEqual({
      source: 'sentry',
      alerts: [{
        key: 'slack-T0LOOKOUT-C0ALERTS-1795240500.000100',
        source: 'sentry', status: 'firing', name: "TypeError: Cannot read properties of undefined (reading 'id')",
        severity: 'critical', summary: "TypeError: Cannot read properties of undefined (reading 'id')",
        description: "checkout/views.py in create_order\nCannot read properties of undefined (reading 'id')",
        labels: { issue_id: '4509381', level: 'error', project: 'checkout-api', environment: 'production', short_id: 'CHECKOUT-API-1Z' },
        annotations: {
          tag_release: '1.8.2', tag_namespace: 'shop', culprit: 'checkout/views.py in create_order',
          rule: 'Send a notification for high priority issues',
        },
        startsAt: '2026-11-21T05:55:00.000Z',
        generatorURL: 'https://acme.sentry.io/issues/4509381/?referrer=slack&alert_rule_id=77&alert_type=issue&notification_uuid=5c7b1e2a-0f3d-4f7e-9a61-2b8d4c6e1f90',
        target: { namespace: 'shop' },
        slack: { teamId: 'T0LOOKOUT', channel: 'C0ALERTS', ts: '1795240500.000100' },
      }],
    });
  });

  test('the message rewritten after "Resolve" in Slack resolves the same alert', () => {
    const [firing] = parse(sentryBlocks())!.alerts;
    const [resolved] = parse(sentryBlocksResolved())!.alerts;
    expect(resolved).toMatchObject({ status: 'resolved', key: firing.key, endsAt: '2026-11-21T06:55:00.000Z', labels: { level: 'error' } });
    expect(alertFingerprint(resolved)).toBe(alertFingerprint(firing));
  });

  test('a warning-level issue maps to warning and is a different alert', () => {
    const [slow] = parse(sentryBlocks(slowQueryIssue, '1795240600.000200'))!.alerts;
    const [checkout] = parse(sentryBlocks(checkoutIssue))!.alerts;
    expect(slow).toMatchObject({ name: 'SlowDBQuery: SELECT * FROM orders WHERE customer_id = %s', severity: 'warning', labels: { issue_id: '4509422', level: 'warning' } });
    expect(alertFingerprint(slow)).not.toBe(alertFingerprint(checkout));
  });

  test('the legacy attachment shape gives the same identity as the blocks', () => {
    const [legacy] = parse(sentryLegacyAttachment())!.alerts;
    expect(legacy).toMatchObject({
      source: 'sentry', status: 'firing', severity: 'critical', description: "Cannot read properties of undefined (reading 'id')",
      labels: { issue_id: '4509381', level: 'error', project: 'checkout-api', environment: 'production', short_id: 'CHECKOUT-API-1Z' },
      annotations: { rule: 'Send a notification for new issues' },
      generatorURL: 'https://acme.sentry.io/organizations/acme/issues/4509381/?referrer=slack',
    });
    expect(alertFingerprint(legacy)).toBe(alertFingerprint(parse(sentryBlocks())!.alerts[0]));
  });

  test('the level comes from the colour when the legacy attachment has no level field', () => {
    const m = sentryLegacyAttachment();
    m.attachments = [{ ...m.attachments![0], color: '#FFC227', fields: [] }];
    expect(parse(m)!.alerts[0]).toMatchObject({ severity: 'warning', labels: { level: 'warning' } });
  });
});
