import { alertFingerprint, parseSlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import { where } from '../../../fixtures/slack/alertmanager.js';
import { datadogPrefixed, datadogRecovered, datadogTriggered, datadogWarn } from '../../../fixtures/slack/datadog.js';

const parse = (m: Parameters<typeof parseSlackAlertMessage>[0]) => parseSlackAlertMessage(m, where);

describe('Datadog monitor notifications in Slack', () => {
  test('a triggered multi-alert monitor: scope and tag lines become labels, Kubernetes tags the target', () => {
    const parsed = parse(datadogTriggered())!;
    expect(parsed.source).toBe('datadog');
    expect(parsed.alerts).toHaveLength(1);
    expect(parsed.alerts[0]).toMatchObject({
      key: 'slack-T0LOOKOUT-C0ALERTS-1795238200.000100', status: 'firing', name: 'Pod is crash looping', severity: 'critical',
      summary: 'Pod is crash looping', startsAt: '2026-11-21T05:16:40.000Z',
      labels: {
        kube_namespace: 'shop', pod_name: 'cart-7d9f8b6c5-x2k4p', kube_cluster_name: 'prod-eu-1', kube_deployment: 'cart',
        kube_container_name: 'cart', monitor_id: '91234567',
      },
      annotations: { transition: 'Triggered', priority: 'P1' },
      generatorURL: 'https://app.datadoghq.com/monitors/91234567?group=kube_namespace%3Ashop%2Cpod_name%3Acart-7d9f8b6c5-x2k4p&from_ts=1795237300000&to_ts=1795238200000&event_id=7712345678901234567',
      target: { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p', container: 'cart', deployment: 'cart' },
    });
    expect(parsed.alerts[0].description).toBe('Pod *cart-7d9f8b6c5-x2k4p* in *shop* restarted 6 times in the last 10 minutes.\nMetric value: 6.0\n\n@slack-acme-alerts\n\nkube_cluster_name:prod-eu-1, kube_namespace:shop, pod_name:cart-7d9f8b6c5-x2k4p, kube_deployment:cart, kube_container_name:cart\n\n[Monitor Status] · [Edit Monitor] · [Related Logs]');
  });

  test('Recovered resolves the triggered alert (same fingerprint, new key)', () => {
    const [triggered] = parse(datadogTriggered())!.alerts;
    const [recovered] = parse(datadogRecovered())!.alerts;
    expect(recovered).toMatchObject({ status: 'resolved', name: 'Pod is crash looping', severity: 'critical', endsAt: '2026-11-21T05:36:40.000Z' });
    expect(recovered.key).toBe('slack-T0LOOKOUT-C0ALERTS-1795239400.000200');
    expect(alertFingerprint(recovered)).toBe(alertFingerprint(triggered));
  });

  test('Warn without a priority is a warning; another monitor has another fingerprint', () => {
    const [warn] = parse(datadogWarn())!.alerts;
    expect(warn).toMatchObject({
      status: 'firing', severity: 'warning', name: 'Checkout p99 latency above 800ms',
      labels: { service: 'checkout', env: 'prod', monitor_id: '91230001' }, target: {},
    });
    expect(alertFingerprint(warn)).not.toBe(alertFingerprint(parse(datadogTriggered())!.alerts[0]));
  });

  test('"Triggered: [P2] name" text from the Datadog bot: priority P2 is critical', () => {
    expect(parse(datadogPrefixed())!.alerts[0]).toMatchObject({
      source: 'datadog', status: 'firing', name: 'Checkout error rate above 5%', severity: 'critical',
      labels: { kube_namespace: 'shop', kube_deployment: 'checkout' }, target: { namespace: 'shop', deployment: 'checkout' },
      annotations: { transition: 'Triggered', priority: 'P2' },
    });
  });

  test.each([['P3', 'warning'], ['P4', 'info'], ['P5', 'info']])('priority %s maps to %s', (priority, severity) => {
    const m = datadogTriggered();
    m.attachments = [{ ...m.attachments![0], title: `[${priority}] [Triggered on {${'host:web-1'}}] Host is down` }];
    expect(parse(m)!.alerts[0]).toMatchObject({ severity, name: 'Host is down', labels: { host: 'web-1' } });
  });
});
