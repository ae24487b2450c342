import { alertFingerprint, parseSlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import { where } from '../../../fixtures/slack/alertmanager.js';
import { grafanaFiring, grafanaMixed, grafanaResolved } from '../../../fixtures/slack/grafana.js';

const parse = (m: Parameters<typeof parseSlackAlertMessage>[0]) => parseSlackAlertMessage(m, where);

describe('Grafana alerting Slack notifications', () => {
  test('a firing alert: labels, annotations, value, links and the Kubernetes target', () => {
    expect(parse(grafanaFiring())).toEqual({
      source: 'grafana',
      alerts: [{
        key: 'slack-T0LOOKOUT-C0ALERTS-1795240000.000100',
        source: 'grafana', status: 'firing', name: 'CheckoutErrorRate', severity: 'critical',
        summary: 'Checkout error rate above 5%',
        description: '7.2% of checkout requests failed in the last 5 minutes.',
        labels: { alertname: 'CheckoutErrorRate', deployment: 'checkout', grafana_folder: 'Shop', namespace: 'shop', severity: 'critical' },
        annotations: {
          value: 'B=7.23, C=1',
          description: '7.2% of checkout requests failed in the last 5 minutes.',
          summary: 'Checkout error rate above 5%',
          silence_url: 'https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DCheckoutErrorRate&matcher=deployment%3Dcheckout&matcher=grafana_folder%3DShop&matcher=namespace%3Dshop&matcher=severity%3Dcritical&orgId=1',
          dashboard_url: 'https://grafana.example.com/d/shop-checkout?orgId=1',
          panel_url: 'https://grafana.example.com/d/shop-checkout?orgId=1&viewPanel=4',
          link: 'https://grafana.example.com/alerting/grafana/cdx1ab2/view?orgId=1',
        },
        startsAt: '2026-11-21T05:46:40.000Z',
        generatorURL: 'https://grafana.example.com/alerting/grafana/cdx1ab2/view?orgId=1',
        target: { namespace: 'shop', deployment: 'checkout' },
        slack: { teamId: 'T0LOOKOUT', channel: 'C0ALERTS', ts: '1795240000.000100' },
      }],
    });
  });

  test('[RESOLVED] fingerprints like the firing alert although its value changed', () => {
    const [firing] = parse(grafanaFiring())!.alerts;
    const [resolved] = parse(grafanaResolved())!.alerts;
    expect(resolved).toMatchObject({ status: 'resolved', severity: 'critical', annotations: { value: 'B=0.41, C=0' } });
    expect(alertFingerprint(resolved)).toBe(alertFingerprint(firing));
    expect(resolved.key).not.toBe(firing.key);
  });

  test('an edit of the same message to [RESOLVED] keeps the key and ends at the edit', () => {
    const [edited] = parse(grafanaResolved('1795240000.000100', true))!.alerts;
    expect(edited).toMatchObject({
      key: 'slack-T0LOOKOUT-C0ALERTS-1795240000.000100', status: 'resolved', endsAt: '2026-11-21T06:18:20.000Z',
    });
  });

  test('[FIRING:2, RESOLVED:1] gives three alerts with their own status, pod and key', () => {
    const { alerts } = parse(grafanaMixed())!;
    expect(alerts.map((a) => [a.key, a.status, a.target.pod, a.annotations.value])).toEqual([
      ['slack-T0LOOKOUT-C0ALERTS-1795240300.000300-1', 'firing', 'payments-7b6d9c5f4-x8k2p', 'A=4'],
      ['slack-T0LOOKOUT-C0ALERTS-1795240300.000300-2', 'firing', 'payments-7b6d9c5f4-h7j3k', 'A=5'],
      ['slack-T0LOOKOUT-C0ALERTS-1795240300.000300-3', 'resolved', 'payments-7b6d9c5f4-z9q1w', 'A=0'],
    ]);
    expect(alerts.every((a) => a.name === 'PodRestarting' && a.severity === 'warning' && a.target.container === 'payments')).toBe(true);
    expect(alerts[2].summary).toBe('Pod shop/payments-7b6d9c5f4-z9q1w restarted 4 times in 10 minutes');
    expect(new Set(alerts.map(alertFingerprint)).size).toBe(3);
  });

  test('Grafana notifications are not mistaken for Alertmanager ones although their titles look alike', () => {
    expect(parse(grafanaFiring())!.source).toBe('grafana');
    const noFooter = grafanaFiring();
    noFooter.username = undefined;
    noFooter.bot_profile = { name: 'alerts' };
    noFooter.attachments = [{ ...noFooter.attachments![0], footer: '', footer_icon: '' }];
    expect(parse(noFooter)!.source).toBe('grafana');
  });

  test('without labels in the body, the title names the alert and the colour gives the severity', () => {
    const m = grafanaFiring();
    m.attachments = [{ ...m.attachments![0], text: '' }];
    expect(parse(m)!.alerts[0]).toMatchObject({
      name: 'CheckoutErrorRate', severity: 'critical', labels: { alertname: 'CheckoutErrorRate', alertgroup: 'CheckoutErrorRate Shop' },
    });
  });
});
