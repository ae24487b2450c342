import { InvalidInputError } from '../../../core/errors.js';
import { incidentWorkflowId } from '../../../core/alert.js';
import { parseAlertmanager } from '../../../server/alerts/alertmanager.js';
import { crashLoopWebhook } from '../../fixtures/alertmanager.js';

describe('parseAlertmanager', () => {
  test('normalises a v4 webhook alert, reading the Kubernetes target from its labels', () => {
    const [alert] = parseAlertmanager(crashLoopWebhook());
    expect(alert).toMatchObject({
      source: 'alertmanager', status: 'firing', name: 'KubePodCrashLooping', severity: 'warning',
      summary: 'Pod is crash looping.', startsAt: '2026-11-21T05:12:41.523Z',
      target: { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p', container: 'cart' },
    });
    expect(alert.endsAt).toBeUndefined();
  });

  test('the same firing always maps to the same workflow ID; a new firing to a new one', () => {
    const [a] = parseAlertmanager(crashLoopWebhook());
    const [again] = parseAlertmanager(crashLoopWebhook());
    const [resolved] = parseAlertmanager(crashLoopWebhook({ status: 'resolved' }));
    const [next] = parseAlertmanager(crashLoopWebhook({ startsAt: '2026-11-21T07:00:00Z' }));
    expect(incidentWorkflowId(a)).toBe('incident-am-b8f5c3e1a2d4f607-1795237961');
    expect(incidentWorkflowId(again)).toBe(incidentWorkflowId(a));
    expect(incidentWorkflowId(resolved)).toBe(incidentWorkflowId(a));
    expect(resolved.endsAt).toBe('2026-11-21T05:40:11.523Z');
    expect(incidentWorkflowId(next)).not.toBe(incidentWorkflowId(a));
  });

  test('one Alert per alert in a grouped notification', () => {
    const body = crashLoopWebhook();
    body.alerts.push({ ...body.alerts[0], fingerprint: 'aaaa', labels: { ...body.alerts[0].labels, pod: 'cart-7d9f8b6c5-q8w2z' } });
    const alerts = parseAlertmanager(body);
    expect(alerts.map((a) => a.target.pod)).toEqual(['cart-7d9f8b6c5-x2k4p', 'cart-7d9f8b6c5-q8w2z']);
    expect(new Set(alerts.map(incidentWorkflowId)).size).toBe(2);
  });

  test("the notification's groupKey is carried onto each alert, and absent when the webhook has none", () => {
    const [grouped] = parseAlertmanager({ ...crashLoopWebhook(), groupKey: '{}:{alertname="KubePodCrashLooping"}' });
    expect(grouped.groupKey).toBe('{}:{alertname="KubePodCrashLooping"}');
    const ungrouped = crashLoopWebhook();
    delete ungrouped.groupKey;
    expect(parseAlertmanager(ungrouped)[0]).not.toHaveProperty('groupKey');
  });

  test('without a fingerprint the label set identifies the alert, independent of label order', () => {
    const body = crashLoopWebhook();
    delete body.alerts[0].fingerprint;
    const reordered = crashLoopWebhook();
    delete reordered.alerts[0].fingerprint;
    reordered.alerts[0].labels = Object.fromEntries(Object.entries(reordered.alerts[0].labels).reverse());
    expect(parseAlertmanager(body)[0].key).toBe(parseAlertmanager(reordered)[0].key);
  });

  test.each([
    ['not an object', 'hello', /^body: /],
    ['wrong version', { ...crashLoopWebhook(), version: '3' }, /^version: must be '4'/],
    ['no alerts', { ...crashLoopWebhook(), alerts: [] }, /^alerts: must hold at least one alert/],
    ['bad status', (() => { const b = crashLoopWebhook(); (b.alerts[0] as { status: string }).status = 'burning'; return b; })(), /^alerts\[0\]\.status: must be 'firing' or 'resolved'/],
    ['no alertname', (() => { const b = crashLoopWebhook(); delete (b.alerts[0].labels as Record<string, string>).alertname; return b; })(), /^alerts\[0\]\.labels: must include a non-empty alertname/],
    ['bad startsAt', (() => { const b = crashLoopWebhook(); b.alerts[0].startsAt = 'yesterday'; return b; })(), /^alerts\[0\]\.startsAt: must be an RFC 3339 timestamp/],
    ['numeric label', (() => { const b = crashLoopWebhook(); b.alerts[0].labels = { ...b.alerts[0].labels, pod: 5 as unknown as string }; return b; })(), /^alerts\[0\]\.labels\.pod: must be a string/],
  ])('rejects %s with a message naming the field', (_name, body, message) => {
    expect(() => parseAlertmanager(body)).toThrow(InvalidInputError);
    expect(() => parseAlertmanager(body)).toThrow(message);
  });
});
