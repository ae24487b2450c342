import fs from 'node:fs';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { MessagesApiTestServer, type MessagesRequest, type ScriptedTurn } from '../../sandbox/anthropic/server.js';
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

/**
 * A scripted model that investigates the way a careful one would: it reads the first object it was shown, agrees with
 * the analyser's first proposal, and answers with the analyser's category. Measures what the agent costs per incident
 * and checks that a well-behaved model's proposals survive validation and merging for every scenario.
 */
function carefulModel(request: MessagesRequest): ScriptedTurn {
  const first = request.messages[0].content;
  const prompt = typeof first === 'string' ? first : (first as { text?: string }[]).map((b) => b.text ?? '').join('');
  const turns = request.messages.filter((m) => m.role === 'assistant').length;
  const category = /runbook analyser concluded: category (\w+)/.exec(prompt)?.[1] ?? 'Unknown';
  const targets = /Objects a proposal may target \(Kind\/namespace\/name\): ([^\n]+)\./.exec(prompt)?.[1].split(', ') ?? [];
  const proposals = JSON.parse(/Its proposals \(check them, improve on them or agree\): (\[.*\])$/m.exec(prompt)?.[1] ?? '[]');
  const pod = targets.find((t) => t.startsWith('Pod/'))?.split('/');
  if (turns === 0 && pod) return [{ type: 'tool_use', name: 'pods_get', input: { namespace: pod[1], name: pod[2] } }];
  if (turns <= 1 && proposals[0]) {
    const { action, target, params } = proposals[0];
    // The prompt shows targets without UIDs, as the model would send them back.
    const plainTarget = Object.fromEntries(Object.entries(target ?? { kind: 'None' }).filter(([k]) => k !== 'uid'));
    return [{ type: 'tool_use', name: 'propose_remediation', input: { action, target: plainTarget, params, rationale: 'Agreeing with the runbook analyser.' } }];
  }
  return [{ type: 'text', text: `Category: ${category}\nAs the analyser found.` }];
}

test('with a scripted LLM the agent keeps the suite\'s accuracy; activities per incident are counted', async () => {
  const llm = new MessagesApiTestServer({ apiKey: 'sk-ant-suite', script: carefulModel });
  await llm.start();
  const diagnoser = await createScenarioDiagnoser({
    llm: { client: new Anthropic({ apiKey: 'sk-ant-suite', baseURL: llm.url }), model: 'scripted', limits: { maxToolCalls: 8, maxInputTokens: 20_000 } },
  });
  const rows: { file: string; ok: boolean; activities: number; engine: string; inputTokens: number }[] = [];
  try {
    for (const file of files) {
      const scenario = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const alerts = parseAlertmanager(scenario.alert.payload);
      const alert = alerts.find((a) => a.status === 'firing') ?? alerts[0];
      const d = await diagnoser.diagnose(alert, { kubernetes: scenario.kubernetes as KubernetesWorld, prometheus: scenario.prometheus });
      rows.push({
        file, ok: d.category === scenario.expected.category && d.remediations[0]?.action === scenario.expected.action,
        // The workflow adds runbookDiagnose and previewRemediations to the investigation's own activities.
        activities: diagnoser.activitiesRun().length + 2, engine: d.engine?.kind ?? 'none',
        inputTokens: d.engine?.kind === 'llm' ? d.engine.inputTokens : 0,
      });
    }
  } finally {
    await diagnoser.close();
    await llm.stop();
  }
  const counts = rows.map((r) => r.activities).sort((a, b) => a - b);
  const tokens = rows.map((r) => r.inputTokens).sort((a, b) => a - b);
  console.log([
    `scripted LLM over ${rows.length} scenarios: category and first action both right in ${rows.filter((r) => r.ok).length}`,
    `investigation activities per incident: min ${counts[0]}, median ${counts[Math.floor(counts.length / 2)]}, max ${counts.at(-1)}`,
    `LLM input tokens per incident: median ${tokens[Math.floor(tokens.length / 2)]}, max ${tokens.at(-1)}`,
  ].join('\n'));
  expect(rows.every((r) => r.engine === 'llm')).toBe(true);
  expect(rows.filter((r) => r.ok).length / rows.length).toBeGreaterThanOrEqual(0.9);
  expect(Math.max(...tokens)).toBeLessThanOrEqual(20_000 + 8_000);
}, 120_000);
