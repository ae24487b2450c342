import { formatAge, groupByChannel, renderDigest, slackPermalink, type DigestIncident } from '../../core/digest.js';

const now = Date.parse('2026-11-21T09:00:00Z');
const incident = (over: Partial<DigestIncident>): DigestIncident => ({
  workflowId: 'incident-1', teamId: 'T1', channel: 'C1', alertName: 'KubePodCrashLooping', severity: 'critical',
  namespace: 'shop', status: 'investigating', createdAt: '2026-11-21T07:00:00Z', ...over,
});

test('slackPermalink builds the archives link Slack redirects to the workspace', () => {
  expect(slackPermalink('C0ALERTS', '1795237961.000100')).toBe('https://slack.com/archives/C0ALERTS/p1795237961000100');
});

test.each([
  [0, '0m'], [59_000, '0m'], [12 * 60_000, '12m'], [60 * 60_000, '1h'], [125 * 60_000, '2h 5m'],
  [24 * 3600_000, '1d'], [(3 * 24 + 4) * 3600_000 + 59_000, '3d 4h'], [-5000, '0m'],
])('formatAge(%d) is %s', (ms, text) => {
  expect(formatAge(ms)).toBe(text);
});

test('the digest lists awaiting approval first, then the rest oldest first, with links, namespaces and ages', () => {
  const text = renderDigest([
    incident({ workflowId: 'a', alertName: 'HighLatency', status: 'remediating', createdAt: '2026-11-21T08:30:00Z', namespace: undefined }),
    incident({ workflowId: 'b', status: 'awaiting_approval', link: 'https://slack.com/archives/C1/p1', createdAt: '2026-11-19T06:00:00Z' }),
    incident({ workflowId: 'c', alertName: 'KubePodNotReady', severity: 'warning', createdAt: '2026-11-21T07:00:00Z', link: 'https://x/2' }),
  ], { now });
  expect(text).toBe([
    ':newspaper: *Daily digest*: 3 open incidents, 1 awaiting approval',
    '',
    '*Awaiting approval*',
    '• <https://slack.com/archives/C1/p1|KubePodCrashLooping> in `shop` (critical): awaiting approval, open 2d 3h',
    '',
    '*Open*',
    '• <https://x/2|KubePodNotReady> in `shop` (warning): investigating, open 2h',
    '• HighLatency (critical): remediating, open 30m',
  ].join('\n'));
});

test('one incident reads in the singular; names are escaped for mrkdwn', () => {
  const text = renderDigest([incident({ alertName: 'A<b>&c' })], { now })!;
  expect(text.split('\n')[0]).toBe(':newspaper: *Daily digest*: 1 open incident, 0 awaiting approval');
  expect(text).toContain('• A&lt;b&gt;&amp;c in `shop`');
  expect(text).not.toContain('*Awaiting approval*');
});

test('nothing open: no message', () => {
  expect(renderDigest([], { now })).toBeUndefined();
  expect(renderDigest([incident({ status: 'resolved' }), incident({ status: 'rejected' })], { now })).toBeUndefined();
});

test('groupByChannel keeps workspaces and channels apart and drops finished incidents', () => {
  const groups = groupByChannel([
    incident({ workflowId: '1', channel: 'C1' }),
    incident({ workflowId: '2', channel: 'C2' }),
    incident({ workflowId: '3', channel: 'C1', teamId: 'T2' }),
    incident({ workflowId: '4', channel: 'C1' }),
    incident({ workflowId: '5', channel: 'C3', status: 'failed' }),
    incident({ workflowId: '6', channel: 'C4', teamId: undefined }),
  ]);
  expect(groups.map((g) => [g.teamId, g.channel, g.incidents.map((i) => i.workflowId)])).toEqual([
    ['T1', 'C1', ['1', '4']], ['T1', 'C2', ['2']], ['T2', 'C1', ['3']], [undefined, 'C4', ['6']],
  ]);
  expect(groups[3]).not.toHaveProperty('teamId');
});
