import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAgentActivities, type PreparedAgent } from '../../activities/agent.js';
import { createKubernetesActivities } from '../../activities/kubernetes.js';
import { createLlmActivities, type LlmTurnResult, type MessagesClient } from '../../activities/llm.js';
import { createPrometheusActivities, type PrometheusFacts } from '../../activities/prometheus.js';
import type { Alert } from '../../core/alert.js';
import type { Diagnosis } from '../../core/diagnosis.js';
import type { KubernetesFacts } from '../../core/kubernetes-facts.js';
import { analyse } from '../../core/runbook.js';
import type { KubernetesWorld } from '../../sandbox/kubernetes/types.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { PrometheusTestServer, type StoredQuery } from '../../sandbox/prometheus/server.js';
import { buildKubernetes } from '../../worker/clients.js';
import { mergeDiagnosis, runAgent, type AgentLimits } from '../../workflows/agent.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The world of one scenario file (CONTRACT section 5): its cluster and its stored Prometheus answers. */
export interface ScenarioWorld {
  kubernetes?: KubernetesWorld;
  prometheus?: StoredQuery[];
}

export interface ScenarioLlm {
  client: MessagesClient;
  model: string;
  limits: AgentLimits;
}

/**
 * Serves scenario worlds through the local Kubernetes API and Prometheus test servers and diagnoses alerts with the
 * incident's own activities (run outside a worker) and the analyser; with `llm`, the incident's agent loop follows,
 * its tools served by the same local servers. One pair of servers is reused across scenarios.
 */
export async function createScenarioDiagnoser({ llm }: { llm?: ScenarioLlm } = {}) {
  const server = new KubernetesTestServer({ recreateDeletedPods: false });
  const prometheus = new PrometheusTestServer();
  await Promise.all([server.start(), prometheus.start()]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-diagnose-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  server.writeKubeconfig(kubeconfig);
  const cluster = createKubernetesActivities({ kubernetes: buildKubernetes({ kubeconfig }) });
  const metrics = createPrometheusActivities({ prometheus: { baseUrl: prometheus.url } });
  const clusterEnv = new MockActivityEnvironment({ activityType: 'collectKubernetesFacts' }, { logger: quietLogger });
  const metricsEnv = new MockActivityEnvironment({ activityType: 'collectPrometheusFacts' }, { logger: quietLogger });
  /** The activities the last `diagnose` or `investigate` ran, in order. */
  let ran: string[] = [];
  /** The facts both activities gather for `alert` in `world`, merged as the analyser reads them. */
  async function investigate(alert: Alert, world: ScenarioWorld = {}): Promise<KubernetesFacts> {
    ran = ['collectKubernetesFacts', 'collectPrometheusFacts'];
    server.load(world.kubernetes ?? {});
    prometheus.load(world.prometheus ?? []);
    const [facts, evidence] = await Promise.all([
      clusterEnv.run(cluster.collectKubernetesFacts, { target: alert.target }) as Promise<KubernetesFacts>,
      metricsEnv.run(metrics.collectPrometheusFacts, { alert }) as Promise<PrometheusFacts>,
    ]);
    return {
      ...facts,
      prometheus: [...(facts.prometheus ?? []), ...evidence.results],
      problems: [...facts.problems, ...evidence.problems],
    };
  }
  const tools: Record<string, (input: never) => Promise<unknown>> = { ...cluster, ...metrics };
  const agent = llm && {
    ...createAgentActivities({ anthropic: llm, kubernetes: true, prometheus: { baseUrl: prometheus.url } }),
    ...createLlmActivities({ anthropic: llm, limits: llm.limits }),
  };
  const agentEnv = new MockActivityEnvironment({ activityType: 'llmTurn' }, { logger: quietLogger });

  /** The workflow's agent step without the workflow: the same loop, activities called directly. */
  async function askLlm(alert: Alert, facts: KubernetesFacts, runbook: Diagnosis): Promise<Diagnosis> {
    try {
      ran.push('prepareAgent');
      const prepared = await agentEnv.run(agent!.prepareAgent, { alert, diagnosis: runbook, facts }) as PreparedAgent;
      const result = await runAgent('diagnose', prepared, {
        llmTurn: (turn) => {
          ran.push('llmTurn');
          return agentEnv.run(agent!.llmTurn, turn) as Promise<LlmTurnResult>;
        },
        callTool: (activity, input) => {
          ran.push(activity);
          return agentEnv.run(tools[activity] as (i: unknown) => Promise<unknown>, input);
        },
        isBudgetExhausted: (err) => err instanceof ApplicationFailure && err.type === 'LlmBudgetExceeded',
      }, llm!.limits);
      return mergeDiagnosis(runbook, result, prepared.model);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ...runbook, engine: { kind: 'runbook', note: `The LLM failed (${reason}); this is the runbook analyser's diagnosis.` } };
    }
  }

  return {
    investigate,
    activitiesRun: () => [...ran],
    async diagnose(alert: Alert, world: ScenarioWorld = {}): Promise<Diagnosis> {
      const facts = await investigate(alert, world);
      const runbook = analyse(alert, facts);
      return agent ? await askLlm(alert, facts, runbook) : runbook;
    },
    async close() {
      await Promise.all([server.stop(), prometheus.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
