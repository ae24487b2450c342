import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyse } from '../../core/runbook.js';
import { categories } from '../../core/diagnosis.js';
import { prometheusQueryPlan } from '../../core/prometheus-queries.js';
import { queryKey } from '../../sandbox/prometheus/api.js';
import { parseAlertmanager } from '../../server/alerts/alertmanager.js';
import { scenarioFacts, type Scenario } from '../scenarios/facts.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

const results = files.map((file) => {
  const scenario = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Scenario;
  const [alert] = parseAlertmanager(scenario.alert.payload);
  const diagnosis = analyse(alert, scenarioFacts(alert, scenario));
  return { file, scenario, alert, expected: scenario.expected!, diagnosis };
});

describe('runbook analyser over the scenario suite', () => {
  test('every scenario is an Alertmanager webhook with an expected result', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const r of results) expect(r.expected).toEqual({ category: expect.any(String), action: expect.any(String) });
  });

  test('every stored Prometheus answer is to a query the investigation asks for that alert, and is used as evidence', () => {
    const withPrometheus = results.filter((r) => r.scenario.prometheus?.length);
    expect(withPrometheus.length).toBeGreaterThanOrEqual(8);
    for (const { file, scenario, alert, diagnosis } of withPrometheus) {
      const asked = new Set(prometheusQueryPlan(alert).map((q) => queryKey(q.query)));
      for (const { query } of scenario.prometheus!) {
        expect({ file, query, asked: asked.has(queryKey(query)) }).toEqual({ file, query, asked: true });
        expect(diagnosis.evidence).toContainEqual(expect.stringContaining(`Prometheus ${query.slice(0, 60)}`));
      }
    }
  });

  test('covers every category', () => {
    expect(new Set(results.map((r) => r.expected.category))).toEqual(new Set(categories));
  });

  test('diagnoses >= 90% of categories and recommends the right first action in >= 80%', () => {
    const rows = results.map(({ file, expected, diagnosis }) => {
      const action = diagnosis.remediations[0]?.action;
      return {
        scenario: file.replace(/\.json$/, ''),
        expected: `${expected.category} / ${expected.action}`,
        got: `${diagnosis.category} / ${action}`,
        ok: `${diagnosis.category === expected.category ? '✓' : '✗'}${action === expected.action ? '✓' : '✗'}`,
      };
    });
    const category = results.filter((r) => r.diagnosis.category === r.expected.category).length / results.length;
    const action = results.filter((r) => r.diagnosis.remediations[0]?.action === r.expected.action).length / results.length;
    console.table(rows);
    console.log(`scenarios ${results.length}: category accuracy ${(category * 100).toFixed(1)}%, remediation accuracy ${(action * 100).toFixed(1)}%`);
    expect(category).toBeGreaterThanOrEqual(0.9);
    expect(action).toBeGreaterThanOrEqual(0.8);
  });

  test('every diagnosis is well formed: evidence, ids p1.., targets named for real actions', () => {
    for (const { diagnosis } of results) {
      expect(diagnosis.evidence.length).toBeGreaterThan(0);
      expect(diagnosis.remediations.map((r) => r.id)).toEqual(diagnosis.remediations.map((_, i) => `p${i + 1}`));
      for (const r of diagnosis.remediations.filter((x) => x.action !== 'none')) expect(r.target.name).toBeTruthy();
      // The report and the proposal validator cap a rationale at 500 characters.
      for (const r of diagnosis.remediations) expect(r.rationale.length).toBeLessThanOrEqual(500);
    }
  });
});

describe('with less gathered than the scenario holds', () => {
  const load = (name: string) => {
    const scenario = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Scenario;
    const [alert] = parseAlertmanager(scenario.alert.payload);
    return { alert, facts: scenarioFacts(alert, scenario) };
  };

  test('without ReplicaSet revisions a crash after a release falls back to deleting the pod', () => {
    const { alert, facts } = load('crashloop-bad-release-nil-pointer');
    expect(analyse(alert, facts).remediations[0]).toMatchObject({ action: 'deployments_rollout_undo', params: { toRevision: 6 } });
    const d = analyse(alert, { ...facts, replicaSets: undefined });
    expect(d.category).toBe('CrashLoopBackOff');
    expect(d.remediations[0].action).toBe('pods_delete');
  });

  test('without pod metrics a sustained CPU alert still scales by half, at least one replica', () => {
    const { alert, facts } = load('cpu-saturated-scale');
    const d = analyse(alert, { ...facts, metrics: undefined });
    expect(d.remediations[0]).toMatchObject({ action: 'deployments_scale', params: { replicas: 5 }, target: { name: 'query-api' } });
  });

  test('a memory limit in Gi is raised in Mi rather than rounded up to double', () => {
    const { alert, facts } = load('memory-near-limit-patch');
    expect(analyse(alert, facts).remediations[0].params).toEqual({ container: 'session-cache', limits: { memory: '1536Mi' } });
  });

  test('CreateContainerConfigError names the missing key and its ConfigMap', () => {
    const { alert, facts } = load('configerror-missing-configmap-key');
    expect(analyse(alert, facts).remediations[0].rationale).toContain('DATABASE_URL to ConfigMap shop/cart-config');
  });

  test('a node that is Ready again outranks an old NodeNotReady event', () => {
    const { alert, facts } = load('node-runtime-down-pod-alert');
    const node = structuredClone(facts.nodes![0]);
    node.status!.conditions = node.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'True', reason: 'KubeletReady' } : c));
    expect(analyse(alert, { ...facts, nodes: [node] }).category).not.toBe('NodeNotReady');
  });
});
