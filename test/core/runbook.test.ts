import { analyse, scaleQuantity } from '../../core/runbook.js';
import { crashLoopAlert, crashLoopFacts } from '../fixtures/alerts.js';

describe('runbook analyser', () => {
  test('CrashLoopBackOff: quotes the real values and proposes deleting that exact pod first', () => {
    const d = analyse(crashLoopAlert(), crashLoopFacts());
    expect(d.category).toBe('CrashLoopBackOff');
    expect(d.summary).toContain('exiting with code 1');
    expect(d.evidence).toEqual(expect.arrayContaining([
      'Container cart: state waiting (CrashLoopBackOff), restarts 14',
      expect.stringContaining('panic: dial tcp 10.0.3.7:6379: connect: connection refused'),
      expect.stringContaining('BackOff (x63)'),
    ]));
    expect(d.remediations.map((r) => [r.id, r.action, r.target.name])).toEqual([
      ['p1', 'pods_delete', 'cart-7d9f8b6c5-x2k4p'],
      ['p2', 'deployments_rollout_restart', 'cart'],
    ]);
    expect(d.remediations[0].target.uid).toBe('3f1c2a9e-0b7d-4c1e-9a55-1d2e3f4a5b6c');
  });

  test('OOMKilled: raises the memory limit of the owning deployment by half', () => {
    const facts = crashLoopFacts();
    facts.pod!.status!.containerStatuses![0].lastState = { terminated: { reason: 'OOMKilled', exitCode: 137 } };
    const d = analyse(crashLoopAlert(), facts);
    expect(d.category).toBe('OOMKilled');
    expect(d.remediations[0]).toMatchObject({
      action: 'resources_patch', target: { kind: 'Deployment', namespace: 'shop', name: 'cart' },
      params: { container: 'cart', limits: { memory: '384Mi' } },
    });
  });

  test('ImagePullBackOff: no automatic action', () => {
    const facts = crashLoopFacts();
    facts.pod!.status!.containerStatuses![0].state = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/cart:1.9.0"' } };
    facts.pod!.status!.containerStatuses![0].lastState = {};
    const d = analyse(crashLoopAlert(), facts);
    expect(d.category).toBe('ImagePullBackOff');
    expect(d.remediations).toEqual([expect.objectContaining({ action: 'none' })]);
  });

  test('without cluster facts it says what was not checked and proposes nothing', () => {
    const d = analyse(crashLoopAlert(), { events: [], logs: [], problems: ['Kubernetes is not configured (set KUBECONFIG)'] });
    expect(d.category).toBe('Unknown');
    expect(d.evidence).toEqual(['Not checked: Kubernetes is not configured (set KUBECONFIG)']);
    expect(d.remediations[0].action).toBe('none');
  });

  test('log evidence quotes the fatal lines, not retries or stack frames', () => {
    const facts = crashLoopFacts();
    facts.logs = [{
      container: 'cart', previous: true,
      text: [
        '{"level":"warn","caller":"cache/redis.go:64","msg":"redis not reachable, retrying","error":"connection refused"}',
        '{"level":"error","caller":"cart/main.go:96","msg":"cache unavailable at start-up"}',
        'panic: dial tcp 10.0.3.7:6379: connect: connection refused',
        'goroutine 1 [running]:',
        'panic({0x9c6b20?, 0xc00012e0a0?})',
        '\t/usr/local/go/src/runtime/panic.go:785 +0x132',
      ].join('\n'),
    }];
    const logs = analyse(crashLoopAlert(), facts).evidence.filter((e) => e.startsWith('Previous log'));
    expect(logs).toEqual([
      'Previous log: {"level":"error","caller":"cart/main.go:96","msg":"cache unavailable at start-up"}',
      'Previous log: panic: dial tcp 10.0.3.7:6379: connect: connection refused',
    ]);
  });

  test('scaleQuantity keeps the unit', () => {
    expect(scaleQuantity('256Mi', 1.5)).toBe('384Mi');
    expect(scaleQuantity('1Gi', 1.5)).toBe('2Gi');
    expect(scaleQuantity('500m', 2)).toBe('1000m');
  });
});
