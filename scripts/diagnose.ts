// `npm run --silent diagnose -- FILE`: the diagnosis of a scenario file (CONTRACT section 5). The scenario's cluster and
// Prometheus answers are served by the local Kubernetes API and Prometheus test servers and read by the same activities
// an incident uses; the analyser (and the LLM, once configured) decides. Prints one JSON object. A bad file: exit 2
// and one line on stderr.
import fs from 'node:fs';
import type { Alert } from '../core/alert.js';
import { loadConfig } from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import type { KubernetesWorld } from '../sandbox/kubernetes/types.js';
import { validateSeries, type StoredQuery } from '../sandbox/prometheus/api.js';
import { parseAlertmanager } from '../server/alerts/alertmanager.js';
import { parseGeneric } from '../server/alerts/generic.js';
import { parseSlackAlertMessage, type SlackAlertMessage } from '../server/alerts/slack/index.js';
import { buildAnthropic } from '../worker/clients.js';
import { createScenarioDiagnoser } from './lib/scenario-diagnosis.js';

class ScenarioError extends Error {}

interface Scenario { alert: Alert; kubernetes?: KubernetesWorld; prometheus?: StoredQuery[] }

function readScenario(file: string | undefined): Scenario {
  if (!file) throw new ScenarioError('usage: npm run --silent diagnose -- FILE');
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let scenario: Record<string, unknown>;
  try {
    scenario = JSON.parse(raw);
  } catch (err) {
    throw new ScenarioError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!scenario || typeof scenario !== 'object' || Array.isArray(scenario)) throw new ScenarioError(`${file}: the scenario must be a JSON object`);
  const alert = scenario.alert as Record<string, unknown> | undefined;
  if (!alert || typeof alert !== 'object') throw new ScenarioError(`${file}: "alert" is required`);
  const kubernetes = scenario.kubernetes;
  if (kubernetes !== undefined && (typeof kubernetes !== 'object' || kubernetes === null || Array.isArray(kubernetes))) {
    throw new ScenarioError(`${file}: "kubernetes" must be an object`);
  }
  return {
    alert: toAlert(alert, file),
    kubernetes: kubernetes as KubernetesWorld | undefined,
    prometheus: readPrometheus(scenario.prometheus, file),
  };
}

/** `prometheus`: `[{ query, result }]`, each result the API's data.result array, checked as the test server loads it. */
function readPrometheus(value: unknown, file: string): StoredQuery[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ScenarioError(`${file}: "prometheus" must be an array of {query, result}`);
  return value.map((item: unknown, i) => {
    const entry = item as Partial<StoredQuery> | null;
    const at = `${file}: prometheus[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new ScenarioError(`${at} must be an object {query, result}`);
    if (typeof entry.query !== 'string' || !entry.query.trim()) throw new ScenarioError(`${at}.query must be a non-empty PromQL string`);
    if (!Array.isArray(entry.result)) throw new ScenarioError(`${at}.result must be an array (the API's data.result)`);
    try {
      validateSeries(entry.query, entry.result);
    } catch (err) {
      throw new ScenarioError(`${at}: ${(err as Error).message}`);
    }
    return { query: entry.query, result: entry.result };
  });
}

function toAlert(alert: Record<string, unknown>, file: string): Alert {
  try {
    switch (alert.source) {
      case 'alertmanager': {
        const firing = parseAlertmanager(alert.payload);
        return firing.find((a) => a.status === 'firing') ?? firing[0];
      }
      case 'generic':
        return parseGeneric(alert.payload);
      case 'slack': {
        const message = alert.message as SlackAlertMessage | undefined;
        const parsed = message && parseSlackAlertMessage(message, { teamId: 'T0SCENARIO', channel: message.channel ?? 'C0SCENARIO' });
        if (!parsed?.alerts.length) throw new ScenarioError(`${file}: alert.message is not an alert Lookout recognises`);
        return parsed.alerts[0];
      }
      default:
        throw new ScenarioError(`${file}: alert.source must be 'alertmanager', 'generic' or 'slack', got ${JSON.stringify(alert.source)}`);
    }
  } catch (err) {
    if (err instanceof InvalidInputError) throw new ScenarioError(`${file}: alert.payload.${err.message}`);
    throw err;
  }
}

async function main() {
  const { alert, kubernetes, prometheus } = readScenario(process.argv[2]);
  const config = loadConfig();
  const anthropic = buildAnthropic(config);
  const diagnoser = await createScenarioDiagnoser({ llm: anthropic && { ...anthropic, limits: config.anthropic.limits } });
  try {
    const diagnosis = await diagnoser.diagnose(alert, { kubernetes, prometheus });
    const output = {
      category: diagnosis.category,
      summary: diagnosis.summary,
      evidence: diagnosis.evidence,
      remediations: diagnosis.remediations.map((r) => ({
        action: r.action,
        target: { kind: r.target.kind, ...(r.target.namespace ? { namespace: r.target.namespace } : {}), ...(r.target.name ? { name: r.target.name } : {}) },
        params: r.params,
      })),
      // Beyond CONTRACT section 5, only when the LLM took part or failed: its conclusion and what it cost.
      ...(diagnosis.rootCause ? { rootCause: diagnosis.rootCause } : {}),
      ...(diagnosis.engine ? { engine: diagnosis.engine } : {}),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
    await diagnoser.close();
  }
}

main().catch((err) => {
  if (err instanceof ScenarioError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`diagnose failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
