import { parseGeneric } from '../../../server/alerts/generic.js';

const now = () => new Date('2026-11-21T06:00:00Z');

describe('parseGeneric', () => {
  test('maps the body onto an Alert with a normalised severity and the target from labels', () => {
    const alert = parseGeneric({
      title: 'Checkout error rate above 5%', text: '7.2% of requests failed', severity: 'P1', source: 'grafana',
      labels: { namespace: 'shop', deployment: 'checkout' },
    }, { now });
    expect(alert).toMatchObject({
      source: 'generic', status: 'firing', name: 'Checkout error rate above 5%', severity: 'critical',
      description: '7.2% of requests failed', startsAt: '2026-11-21T06:00:00.000Z',
      target: { namespace: 'shop', deployment: 'checkout' }, labels: { source: 'grafana' },
    });
  });

  test('the same content is the same alert; an explicit id overrides content identity', () => {
    const a = parseGeneric({ title: 'Disk full', text: 'node-3' });
    expect(parseGeneric({ title: 'Disk full', text: 'node-3' }).key).toBe(a.key);
    expect(parseGeneric({ title: 'Disk full', text: 'node-4' }).key).not.toBe(a.key);
    expect(parseGeneric({ title: 'x', text: 'y', id: 'evt-1' }).key).toBe(parseGeneric({ title: 'z', text: 'w', id: 'evt-1' }).key);
  });

  test('defaults the severity to warning when it is missing or unknown', () => {
    expect(parseGeneric({ title: 'a', text: 'b' }).severity).toBe('warning');
    expect(parseGeneric({ title: 'a', text: 'b', severity: 'purple' }).severity).toBe('warning');
  });

  test.each([
    [{}, /^title: is required/],
    [{ title: '  ', text: 'b' }, /^title: must not be empty/],
    [{ title: 'a' }, /^text: is required/],
    [{ title: 'a', text: 'b', labels: { n: 1 } }, /^labels\.n: must be a string/],
    [{ title: 'a', text: 'b', status: 'maybe' }, /^status: /],
    [null, /^body: /],
  ])('rejects %j', (body, message) => {
    expect(() => parseGeneric(body)).toThrow(message);
  });
});
