import { alertFingerprint, parseSlackAlertMessage } from '../../../../server/alerts/slack/index.js';
import {
  amAppMessage, amCustomTemplate, amCustomTemplateIndistinct, amDefaultFiring, amDefaultOtherNamespace, amDefaultResolved, where,
} from '../../../fixtures/slack/alertmanager.js';

const parse = (m: Parameters<typeof parseSlackAlertMessage>[0]) => parseSlackAlertMessage(m, where);

describe('Alertmanager Slack notifications', () => {
  test('the default template gives one alert named by the group, with the severity among the title values', () => {
    expect(parse(amDefaultFiring())).toEqual({
      source: 'alertmanager',
      alerts: [{
        key: 'slack-T0LOOKOUT-C0ALERTS-1795237961.123459',
        source: 'alertmanager', status: 'firing', name: 'KubePodCrashLooping', severity: 'warning',
        summary: '[FIRING:1] KubePodCrashLooping shop (cart http kube-state-metrics cart-7d9f8b6c5-x2k4p monitoring/k8s CrashLoopBackOff warning)',
        description: '',
        labels: { alertname: 'KubePodCrashLooping', alertgroup: 'KubePodCrashLooping shop' },
        annotations: {
          common_label_values: 'cart http kube-state-metrics cart-7d9f8b6c5-x2k4p monitoring/k8s CrashLoopBackOff warning',
          link: 'http://alertmanager.monitoring:9093/#/alerts?receiver=slack-alerts',
        },
        startsAt: '2026-11-21T05:12:41.123Z',
        target: {},
        slack: { teamId: 'T0LOOKOUT', channel: 'C0ALERTS', ts: '1795237961.123459' },
      }],
    });
  });

  test('a [RESOLVED] message is resolved and has the firing message\'s fingerprint; another group does not', () => {
    const [firing] = parse(amDefaultFiring())!.alerts;
    const [resolved] = parse(amDefaultResolved())!.alerts;
    const [other] = parse(amDefaultOtherNamespace())!.alerts;
    expect(resolved).toMatchObject({ status: 'resolved', name: 'KubePodCrashLooping', endsAt: '2026-11-21T06:12:41.000Z' });
    expect(resolved.key).toBe('slack-T0LOOKOUT-C0ALERTS-1795241561.000200');
    expect(alertFingerprint(resolved)).toBe(alertFingerprint(firing));
    expect(alertFingerprint(firing)).toBe('a43949ba16a4d082');
    expect(other).toMatchObject({ name: 'KubePodCrashLooping', severity: 'critical', labels: { alertgroup: 'KubePodCrashLooping billing' } });
    expect(alertFingerprint(other)).not.toBe(alertFingerprint(firing));
  });

  test('the *Alert:* / *Details:* template with [FIRING:3] gives one alert per pod, keyed -1..-3', () => {
    const parsed = parse(amCustomTemplate())!;
    expect(parsed.source).toBe('alertmanager');
    expect(parsed.alerts.map((a) => a.key)).toEqual([1, 2, 3].map((n) => `slack-T0LOOKOUT-C0ALERTS-1795238100.000400-${n}`));
    expect(parsed.alerts.map((a) => a.target)).toEqual([
      { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p', container: 'cart' },
      { namespace: 'shop', pod: 'cart-7d9f8b6c5-q8w2z', container: 'cart' },
      { namespace: 'shop', pod: 'cart-7d9f8b6c5-m4n6b', container: 'cart' },
    ]);
    expect(parsed.alerts[1]).toMatchObject({
      status: 'firing', name: 'KubePodCrashLooping', severity: 'warning', summary: 'Pod is crash looping.',
      description: 'Pod shop/cart-7d9f8b6c5-q8w2z (cart) is in waiting state (reason: "CrashLoopBackOff").',
      startsAt: '2026-11-21T05:15:00.000Z',
    });
    expect(parsed.alerts[1].labels).toEqual({
      alertname: 'KubePodCrashLooping', container: 'cart', endpoint: 'http', job: 'kube-state-metrics', namespace: 'shop',
      pod: 'cart-7d9f8b6c5-q8w2z', prometheus: 'monitoring/k8s', reason: 'CrashLoopBackOff', severity: 'warning',
    });
    expect(new Set(parsed.alerts.map(alertFingerprint)).size).toBe(3);
  });

  test('each alert of a later resolved notification fingerprints like its firing counterpart', () => {
    const firing = parse(amCustomTemplate('firing'))!.alerts;
    const resolved = parse(amCustomTemplate('resolved', '1795241000.000900'))!.alerts;
    expect(resolved.map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(resolved.map(alertFingerprint)).toEqual(firing.map(alertFingerprint));
  });

  test('alerts whose labels are equal cannot be told apart: one alert for the message, with their common labels', () => {
    const { alerts } = parse(amCustomTemplateIndistinct())!;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      key: 'slack-T0LOOKOUT-C0ALERTS-1795238200.000500', name: 'TargetDown', severity: 'critical',
      labels: { alertname: 'TargetDown', job: 'node-exporter', severity: 'critical' },
    });
  });

  test('a message edited from [FIRING:1] to [RESOLVED] keeps its key and resolves at the edit time', () => {
    const [firing] = parse(amAppMessage('firing'))!.alerts;
    const [edited] = parse(amAppMessage('resolved'))!.alerts;
    expect(firing.status).toBe('firing');
    expect(edited).toMatchObject({ status: 'resolved', key: firing.key, endsAt: '2026-11-21T06:30:00.000Z', startsAt: firing.startsAt });
    expect(alertFingerprint(edited)).toBe(alertFingerprint(firing));
  });

  test.each([
    ['danger', undefined, 'critical'],
    ['a30200', undefined, 'critical'],
    ['#E01E5A', undefined, 'critical'],
    ['warning', undefined, 'warning'],
    ['#ECB22E', undefined, 'warning'],
    ['good', undefined, 'info'],
    ['danger', 'info', 'info'],
    ['danger', 'P3', 'warning'],
  ])('colour %s with severity label %s maps to %s', (color, severity, expected) => {
    const m = amDefaultFiring();
    const text = severity ? `*Alert:* Disk almost full\n*Details:*\n • *alertname:* \`DiskFull\`\n • *severity:* \`${severity}\`` : '';
    m.attachments = [{ color, title: `${color === 'good' ? '[RESOLVED]' : '[FIRING:1]'} DiskFull (node-3)`, text }];
    expect(parse(m)!.alerts[0].severity).toBe(expected);
  });

  test('the template posted as plain message text by a relay bot is still read', () => {
    const m = amDefaultFiring();
    m.attachments = [];
    m.text = '[FIRING:1] KubeDeploymentReplicasMismatch shop\nLabels:\n - alertname = KubeDeploymentReplicasMismatch\n - deployment = checkout\n - namespace = shop\n - severity = critical\nAnnotations:\n - summary = Deployment has not matched the expected number of replicas.\nSource: http://prometheus.monitoring:9090/graph?g0.expr=x';
    expect(parse(m)!.alerts[0]).toMatchObject({
      name: 'KubeDeploymentReplicasMismatch', severity: 'critical', target: { namespace: 'shop', deployment: 'checkout' },
      summary: 'Deployment has not matched the expected number of replicas.', generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=x',
    });
  });
});
