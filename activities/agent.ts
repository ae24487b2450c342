/**
 * Prepares the incident's LLM agent: the system prompt, the tools this worker can really serve (an integration that is
 * not configured offers no tools), the first user message with the gathered facts quoted as untrusted data, and the
 * objects a proposal may target. The loop itself runs in the workflow (workflows/agent.ts), one activity per model
 * turn and per tool call.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { V1Pod } from '@kubernetes/client-node';
import type { Alert } from '../core/alert.js';
import type { Diagnosis, RemediationAction } from '../core/diagnosis.js';
import { remediationActions } from '../core/diagnosis.js';
import type { KubernetesFacts, PodLike } from '../core/kubernetes-facts.js';
import { owningDeployment } from '../core/kubernetes-facts.js';
import {
  buildSystemPrompt, initialUserMessage, toolDefinitions, type ContextTool, type EvidenceItem, type ReadOnlyTool,
} from '../core/llm-prompt.js';
import { targetKey } from '../core/proposals.js';
import { argocdTools } from './argocd.js';
import { clean } from './integration-output.js';
import { podSummary } from './kubernetes-summaries.js';
import { kubernetesTools } from './kubernetes-tools.js';
import { prometheusTools } from './prometheus.js';
import { sentryTools } from './sentry.js';

export interface AgentDeps {
  /** The model to ask; undefined when ANTHROPIC_API_KEY is not set. */
  anthropic?: { model: string };
  kubernetes?: unknown;
  prometheus?: { baseUrl?: string };
  sentry?: unknown;
  argocd?: unknown;
}

export interface PrepareAgentInput {
  alert: Alert;
  diagnosis: Diagnosis;
  facts: KubernetesFacts;
}

export interface PreparedAgent {
  model: string;
  system: string;
  tools: Anthropic.Tool[];
  messages: Anthropic.MessageParam[];
  /** Tool name → the activity that runs it. Only read-only tools appear here. */
  routes: Record<string, string>;
  /** `Kind/namespace/name` → UID (or null) of every object a proposal may target. */
  knownTargets: [string, string | null][];
  allowedActions: RemediationAction[];
}

/** Total characters of facts quoted into the first prompt (about 6k tokens); the model can read more with tools. */
const EVIDENCE_BUDGET = 24_000;
const MAX_PER_ITEM = 6_000;

export function createAgentActivities(deps: AgentDeps) {
  async function prepareAgent({ alert, diagnosis, facts }: PrepareAgentInput): Promise<PreparedAgent> {
    const tables: Record<string, ContextTool>[] = [
      deps.kubernetes ? kubernetesTools : {},
      deps.prometheus?.baseUrl ? prometheusTools : {},
      deps.sentry ? sentryTools : {},
      deps.argocd ? argocdTools : {},
    ];
    const readOnly: ReadOnlyTool[] = [];
    const routes: Record<string, string> = {};
    for (const table of tables) {
      for (const [name, tool] of Object.entries(table)) {
        readOnly.push({ name, description: tool.description, inputSchema: tool.inputSchema });
        routes[name] = tool.activity;
      }
    }
    const allowedActions = [...remediationActions];
    const targets = knownTargets(facts);
    return {
      model: deps.anthropic?.model ?? 'unconfigured',
      system: buildSystemPrompt({ allowedActions }),
      tools: toolDefinitions(readOnly, { allowedActions }),
      messages: [initialUserMessage({ alert, runbookDiagnosis: diagnosis, evidence: evidence(facts), knownTargets: targets.keys() })],
      routes,
      knownTargets: [...targets].map(([key, uid]) => [key, uid ?? null]),
      allowedActions,
    };
  }

  return { prepareAgent };
}

/** Every object the investigation saw that an action can act on: pods, their Deployment. */
export function knownTargets(facts: KubernetesFacts): Map<string, string | undefined> {
  const targets = new Map<string, string | undefined>();
  const pods = [facts.pod, ...(facts.pods ?? [])].filter((p): p is PodLike => Boolean(p?.metadata?.name));
  for (const pod of pods) {
    targets.set(targetKey('Pod', pod.metadata!.namespace, pod.metadata!.name), pod.metadata!.uid);
    const owner = owningDeployment(pod);
    const namespace = pod.metadata!.namespace;
    if (owner && facts.deployment?.metadata?.name === owner) {
      targets.set(targetKey('Deployment', namespace, owner), facts.deployment.metadata?.uid);
    }
  }
  const d = facts.deployment?.metadata;
  if (d?.name) targets.set(targetKey('Deployment', d.namespace, d.name), d.uid);
  return targets;
}

/** The facts as labelled, bounded, redacted text items, most telling first. */
export function evidence(facts: KubernetesFacts): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  if (facts.pod) items.push({ label: `pod ${ref(facts.pod)}`, text: json(summary(facts.pod)) });
  if (facts.events.length) {
    items.push({
      label: 'events',
      text: facts.events.map((e) => `${e.lastTimestamp ?? ''} ${e.type ?? ''} ${e.reason ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''} (x${e.count ?? 1}): ${e.message ?? ''}`.trim()).join('\n'),
    });
  }
  for (const log of facts.logs) {
    items.push({ label: `logs ${facts.pod ? ref(facts.pod) : ''}/${log.container}${log.previous ? ' previous' : ''}`, text: log.text });
  }
  if (facts.deployment) {
    const d = facts.deployment;
    items.push({
      label: `deployment ${d.metadata?.namespace}/${d.metadata?.name}`,
      text: json({
        revision: d.metadata?.annotations?.['deployment.kubernetes.io/revision'],
        replicas: d.spec?.replicas, status: d.status,
        containers: d.spec?.template?.spec?.containers?.map((c) => ({ name: c.name, image: c.image, resources: c.resources })),
        replicaSets: (facts.replicaSets ?? []).map((rs) => ({
          name: rs.metadata?.name, revision: rs.metadata?.annotations?.['deployment.kubernetes.io/revision'],
          created: rs.metadata?.creationTimestamp, replicas: rs.status?.replicas, ready: rs.status?.readyReplicas,
          images: rs.spec?.template?.spec?.containers?.map((c) => c.image),
        })),
      }),
    });
  }
  if (facts.pods?.length) items.push({ label: 'pods of the deployment', text: json(facts.pods.map(summary)) });
  if (facts.nodes?.length) {
    items.push({ label: 'nodes', text: json(facts.nodes.map((n) => ({ name: n.metadata?.name, spec: n.spec, conditions: n.status?.conditions }))) });
  }
  if (facts.metrics && Object.keys(facts.metrics).length) items.push({ label: 'pod usage (metrics.k8s.io)', text: json(facts.metrics) });
  for (const p of facts.prometheus ?? []) items.push({ label: `prometheus ${p.query}`.slice(0, 120), text: json(p.result) });
  if (facts.problems.length) items.push({ label: 'not gathered', text: facts.problems.join('\n') });

  let budget = EVIDENCE_BUDGET;
  return items.flatMap((item) => {
    if (budget <= 200) return [];
    const text = bound(clean(item.text), Math.min(MAX_PER_ITEM, budget));
    budget -= text.length;
    return [{ label: item.label, text }];
  });
}


/** The same summary `pods_get` gives the model: facts hold the API's own JSON, which is what V1Pod describes. */
const summary = (pod: PodLike) => podSummary(pod as V1Pod);
const ref = (pod: PodLike) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const json = (value: unknown) => JSON.stringify(value);

/** Head and tail of long text: the start says what it is, the end holds the latest errors. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 40) / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters omitted ...]\n${text.slice(-half)}`;
}
