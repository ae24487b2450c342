import fs from 'node:fs';
import path from 'node:path';
import { analyse } from '../../core/runbook.js';
import { parseAlertmanager } from '../../server/alerts/alertmanager.js';
import type { KubernetesWorld } from '../../sandbox/kubernetes/types.js';
import { createScenarioDiagnoser } from '../../scripts/lib/scenario-diagnosis.js';

// The scenario suite through the path `npm run diagnose` and incidents take: the Kubernetes API and Prometheus test
// servers, the real clients and the collectKubernetesFacts and collectPrometheusFacts activities, then the analyser. (test/core/runbook-scenarios scores the analyser
// on facts built directly from the files; this one scores what the activities actually gather.)
const dir = 'test/scenarios';
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('diagnoses from the real investigation path reach the accuracy targets', async () => {
  const diagnoser = await createScenarioDiagnoser();
  const rows: { file: string; expected: string; got: string; ms: number }[] = [];
  const prometheus: { file: string; stored: number; gathered: number; problems: string[] }[] = [];
  try {
    for (const file of files) {
      const scenario = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const alerts = parseAlertmanager(scenario.alert.payload);
      const alert = alerts.find((a) => a.status === 'firing') ?? alerts[0];
      const started = performance.now();
      const facts = await diagnoser.investigate(alert, { kubernetes: scenario.kubernetes as KubernetesWorld, prometheus: scenario.prometheus });
      const d = analyse(alert, facts);
      prometheus.push({
        file, stored: scenario.prometheus?.length ?? 0, gathered: facts.prometheus?.length ?? 0,
        problems: facts.problems.filter((p) => /prometheus/i.test(p)),
      });
      rows.push({
        file, expected: `${scenario.expected.category}/${scenario.expected.action}`, got: `${d.category}/${d.remediations[0]?.action}`,
        ms: performance.now() - started,
      });
    }
  } finally {
    await diagnoser.close();
  }
  const category = rows.filter((r) => r.expected.split('/')[0] === r.got.split('/')[0]).length / rows.length;
  const action = rows.filter((r) => r.expected.split('/')[1] === r.got.split('/')[1]).length / rows.length;
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const misses = rows.filter((r) => r.expected !== r.got).map((r) => `  ${r.file}: expected ${r.expected}, got ${r.got}`);
  console.log([
    `investigation path over ${rows.length} scenarios: category ${(category * 100).toFixed(1)} %, first action ${(action * 100).toFixed(1)} %`,
    `investigation time p50 ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms, p95 ${ms[Math.floor(ms.length * 0.95)].toFixed(1)} ms`,
    ...misses,
  ].join('\n'));
  expect(rows.length).toBeGreaterThanOrEqual(30);
  // Every stored answer is to a query the investigation really asks (each is non-empty, so each is gathered).
  expect(prometheus.filter((p) => p.stored).length).toBeGreaterThanOrEqual(8);
  for (const p of prometheus) expect({ file: p.file, gathered: p.gathered, problems: p.problems }).toEqual({ file: p.file, gathered: p.stored, problems: [] });
  expect(category).toBeGreaterThanOrEqual(0.9);
  expect(action).toBeGreaterThanOrEqual(0.8);
}, 120_000);
