import { stormKey } from '../../core/storm.js';
import { parseAlertmanager } from '../../server/alerts/alertmanager.js';
import { crashLoopWebhook } from '../fixtures/alertmanager.js';
import { crashLoopAlert } from '../fixtures/alerts.js';

describe('stormKey', () => {
  test('without a groupKey: channel, alert name and namespace, so pods of one workload fall together', () => {
    const a = crashLoopAlert({ target: { namespace: 'shop', pod: 'cart-1' } });
    const b = crashLoopAlert({ target: { namespace: 'shop', pod: 'cart-2' } });
    expect(stormKey(a, { channel: 'C1' })).toBe('C1|KubePodCrashLooping|shop');
    expect(stormKey(b, { channel: 'C1' })).toBe(stormKey(a, { channel: 'C1' }));
    expect(stormKey(crashLoopAlert({ target: { namespace: 'web' } }), { channel: 'C1' })).toBe('C1|KubePodCrashLooping|web');
    expect(stormKey(crashLoopAlert({ name: 'KubePodNotReady', target: { namespace: 'shop' } }), { channel: 'C1' }))
      .toBe('C1|KubePodNotReady|shop');
  });

  test('the namespace label stands in when no target was read; none at all is its own bucket', () => {
    expect(stormKey(crashLoopAlert({ target: {}, labels: { namespace: 'ops' } }), { channel: 'C1' })).toBe('C1|KubePodCrashLooping|ops');
    expect(stormKey(crashLoopAlert({ target: {}, labels: {} }), { channel: 'C1' })).toBe('C1|KubePodCrashLooping|');
  });

  test("Alertmanager's groupKey wins, from the alert or the option, and still never crosses channels", () => {
    const groupKey = '{}/{severity="critical"}:{alertname="KubePodCrashLooping", namespace="shop"}';
    const alert = crashLoopAlert({ groupKey });
    expect(stormKey(alert, { channel: 'C1' })).toBe(`C1|group|${groupKey}`);
    expect(stormKey(crashLoopAlert(), { channel: 'C1', groupKey })).toBe(`C1|group|${groupKey}`);
    expect(stormKey(alert, { channel: 'C2' })).not.toBe(stormKey(alert, { channel: 'C1' }));
  });

  test('a very long groupKey is hashed to a short, stable key', () => {
    const long = `{}:{${'x'.repeat(2000)}}`;
    const key = stormKey(crashLoopAlert({ groupKey: long }), { channel: 'C1' });
    expect(key).toMatch(/^C1\|hash\|[0-9a-f]+$/);
    expect(stormKey(crashLoopAlert({ groupKey: long }), { channel: 'C1' })).toBe(key);
    expect(stormKey(crashLoopAlert({ groupKey: `${long}y` }), { channel: 'C1' })).not.toBe(key);
  });

  test('alerts parsed from one Alertmanager notification share its groupKey', () => {
    const body = { ...crashLoopWebhook(), groupKey: '{}:{alertname="KubePodCrashLooping"}' };
    body.alerts.push({ ...body.alerts[0], fingerprint: 'aaaa', labels: { ...body.alerts[0].labels, pod: 'cart-2', namespace: 'other' } });
    const keys = parseAlertmanager(body).map((a) => stormKey(a, { channel: 'C1' }));
    expect(keys).toEqual(['C1|group|{}:{alertname="KubePodCrashLooping"}', 'C1|group|{}:{alertname="KubePodCrashLooping"}']);
  });
});
