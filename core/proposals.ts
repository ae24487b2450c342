/**
 * The `propose_remediation` tool: the only way an LLM can suggest a change, and the gate its suggestions pass before
 * they become Remediations a person may approve. Pure: the model's input is untrusted and checked field by field.
 */
import { remediationActions } from './diagnosis.js';
import type { Remediation, RemediationAction, RemediationTarget } from './diagnosis.js';

export const PROPOSE_REMEDIATION = 'propose_remediation';

/** Which kind of object each action works on; `none` has no target. */
export const actionTargetKind: Record<RemediationAction, RemediationTarget['kind']> = {
  pods_delete: 'Pod',
  resources_patch: 'Deployment',
  deployments_scale: 'Deployment',
  deployments_rollout_restart: 'Deployment',
  deployments_rollout_undo: 'Deployment',
  argocd_sync_application: 'Application',
  argocd_run_resource_action: 'Application',
  none: 'None',
};

export const MAX_REPLICAS = 50;
const MAX_RATIONALE = 500;
const RESOURCE_NAMES = ['cpu', 'memory', 'ephemeral-storage'];
// metadata.name of most kinds (RFC 1123 subdomain) and namespaces/containers (RFC 1123 label).
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE]\d+)?$/;
const REVISION = /^[A-Za-z0-9._/-]{1,100}$/;
const RESOURCE_ACTION = /^[a-z][-a-z0-9]{0,62}$/;
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

/** `Kind/namespace/name`, the form `knownTargets` holds. */
export function targetKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ''}/${name ?? ''}`;
}

/** The tool definition (Anthropic's `name`, `description`, `input_schema`), listing only the allowed actions. */
export function proposeRemediationTool(allowedActions: readonly RemediationAction[] = remediationActions) {
  return {
    name: PROPOSE_REMEDIATION,
    description:
      'Propose one remediation for a person to approve. It is NOT executed: Lookout checks it against the allowed ' +
      'actions and the objects you were shown, then asks an approver. Call once per proposal, best first. The target ' +
      `must be an object listed in the facts. Target kinds: ${allowedActions.map((a) => `${a} → ${actionTargetKind[a]}`).join(', ')}. ` +
      'Params: pods_delete, deployments_rollout_restart, none: {}; resources_patch: {container, limits?, requests?} ' +
      `with Kubernetes quantities for cpu/memory; deployments_scale: {replicas: 0..${MAX_REPLICAS}}; ` +
      'deployments_rollout_undo: {toRevision?}; argocd_sync_application: {revision?}; ' +
      'argocd_run_resource_action: {action, kind, namespace, name} (an ArgoCD resource action such as restart on one of ' +
      'the application\'s resources).',
    input_schema: {
      type: 'object' as const,
      properties: {
        action: { type: 'string', enum: [...allowedActions] },
        target: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['Pod', 'Deployment', 'Application', 'None'] },
            namespace: { type: 'string' },
            name: { type: 'string' },
          },
          required: ['kind'],
          additionalProperties: false,
        },
        params: {
          type: 'object',
          properties: {
            container: { type: 'string' },
            limits: { type: 'object', properties: { cpu: { type: 'string' }, memory: { type: 'string' } } },
            requests: { type: 'object', properties: { cpu: { type: 'string' }, memory: { type: 'string' } } },
            replicas: { type: 'integer', minimum: 0, maximum: MAX_REPLICAS },
            toRevision: { type: 'integer', minimum: 1 },
            revision: { type: 'string' },
            action: { type: 'string', description: 'argocd_run_resource_action: the resource action, e.g. restart' },
            kind: { type: 'string', description: 'argocd_run_resource_action: the resource kind, e.g. Deployment' },
            namespace: { type: 'string', description: 'argocd_run_resource_action: the resource namespace' },
            name: { type: 'string', description: 'argocd_run_resource_action: the resource name' },
          },
          additionalProperties: false,
        },
        rationale: { type: 'string', description: 'One or two sentences a person can weigh before approving.', maxLength: MAX_RATIONALE },
      },
      required: ['action', 'target', 'params', 'rationale'],
      additionalProperties: false,
    },
  };
}

export interface ValidateProposalOptions {
  /** Objects present in the gathered facts, as `targetKey`s; a Map also gives each one's UID for the Remediation. */
  knownTargets: ReadonlySet<string> | ReadonlyMap<string, string | undefined>;
  allowedActions: readonly RemediationAction[];
  /** The Remediation's id; the caller numbers proposals. */
  id?: string;
}

export type ProposalResult = { ok: true; remediation: Remediation } | { ok: false; error: string };

class Invalid extends Error {}

/** Checks one `propose_remediation` input; `error` is plain enough to return to the model as a tool_result. */
export function validateProposal(input: unknown, { knownTargets, allowedActions, id = 'p1' }: ValidateProposalOptions): ProposalResult {
  try {
    const obj = record(input, 'the input');
    onlyKeys(obj, ['action', 'target', 'params', 'rationale'], 'the input');
    const action = obj.action;
    if (typeof action !== 'string' || !(remediationActions as readonly string[]).includes(action)) {
      throw new Invalid(`action ${show(action)} is not one of ${remediationActions.join(', ')}`);
    }
    if (!allowedActions.includes(action as RemediationAction)) {
      throw new Invalid(`action ${action} is not allowed here; allowed: ${allowedActions.join(', ') || 'none'}`);
    }
    const act = action as RemediationAction;
    const target = checkTarget(act, obj.target, knownTargets);
    const params = checkParams(act, obj.params === undefined ? {} : record(obj.params, 'params'));
    const rationale = checkRationale(obj.rationale);
    return { ok: true, remediation: { id, action: act, target, params, rationale } };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `propose_remediation refused: ${err.message}` };
    throw err;
  }
}

function checkTarget(
  action: RemediationAction, value: unknown, knownTargets: ValidateProposalOptions['knownTargets'],
): RemediationTarget {
  const kind = actionTargetKind[action];
  if (kind === 'None') {
    if (value !== undefined && record(value, 'target').kind !== 'None') throw new Invalid('action none takes target {"kind": "None"}');
    return { kind: 'None' };
  }
  const t = record(value, 'target');
  onlyKeys(t, ['kind', 'namespace', 'name'], 'target');
  if (t.kind !== kind) throw new Invalid(`${action} acts on a ${kind}, not ${show(t.kind)}`);
  const namespace = dnsName(t.namespace, 'target.namespace', LABEL, 63);
  const name = dnsName(t.name, 'target.name', SUBDOMAIN, 253);
  const key = targetKey(kind, namespace, name);
  if (!knownTargets.has(key)) throw new Invalid(`${key} is not an object in the gathered facts`);
  const uid = knownTargets instanceof Map ? knownTargets.get(key) : undefined;
  return { kind, namespace, name, ...(uid ? { uid } : {}) };
}

function checkParams(action: RemediationAction, params: Record<string, unknown>): Record<string, unknown> {
  switch (action) {
    case 'resources_patch': {
      onlyKeys(params, ['container', 'limits', 'requests'], 'params');
      const container = dnsName(params.container, 'params.container', LABEL, 63);
      const limits = params.limits === undefined ? undefined : quantities(params.limits, 'params.limits');
      const requests = params.requests === undefined ? undefined : quantities(params.requests, 'params.requests');
      if (!limits && !requests) throw new Invalid('resources_patch needs params.limits or params.requests');
      for (const [resource, request] of Object.entries(requests ?? {})) {
        const limit = limits?.[resource];
        if (limit && toNumber(request) > toNumber(limit)) {
          throw new Invalid(`params.requests.${resource} ${request} is above params.limits.${resource} ${limit}`);
        }
      }
      return { container, ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
    }
    case 'deployments_scale': {
      onlyKeys(params, ['replicas'], 'params');
      const { replicas } = params;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
        throw new Invalid(`params.replicas must be a whole number from 0 to ${MAX_REPLICAS}, not ${show(replicas)}`);
      }
      return { replicas };
    }
    case 'deployments_rollout_undo': {
      onlyKeys(params, ['toRevision'], 'params');
      const { toRevision } = params;
      if (toRevision === undefined) return {};
      if (typeof toRevision !== 'number' || !Number.isInteger(toRevision) || toRevision < 1) {
        throw new Invalid(`params.toRevision must be a revision number (1 or more), not ${show(toRevision)}`);
      }
      return { toRevision };
    }
    case 'argocd_sync_application': {
      onlyKeys(params, ['revision'], 'params');
      const { revision } = params;
      if (revision === undefined) return {};
      if (typeof revision !== 'string' || !REVISION.test(revision)) throw new Invalid(`params.revision ${show(revision)} is not a git revision`);
      return { revision };
    }
    case 'argocd_run_resource_action': {
      onlyKeys(params, ['action', 'kind', 'namespace', 'name'], 'params');
      const { action, kind } = params;
      if (typeof action !== 'string' || !RESOURCE_ACTION.test(action)) {
        throw new Invalid(`params.action ${show(action)} is not an ArgoCD resource action name such as restart`);
      }
      if (typeof kind !== 'string' || !KIND.test(kind)) throw new Invalid(`params.kind ${show(kind)} is not a Kubernetes kind such as Deployment`);
      const namespace = dnsName(params.namespace, 'params.namespace', LABEL, 63);
      const name = dnsName(params.name, 'params.name', SUBDOMAIN, 253);
      return { action, kind, namespace, name };
    }
    default:
      onlyKeys(params, [], 'params');
      return {};
  }
}

function quantities(value: unknown, what: string): Record<string, string> {
  const obj = record(value, what);
  const out: Record<string, string> = {};
  for (const [resource, q] of Object.entries(obj)) {
    if (!RESOURCE_NAMES.includes(resource)) throw new Invalid(`${what}.${resource.slice(0, 40)} is not one of ${RESOURCE_NAMES.join(', ')}`);
    if (typeof q !== 'string' || !QUANTITY.test(q) || toNumber(q) <= 0) {
      throw new Invalid(`${what}.${resource} ${show(q)} is not a positive Kubernetes quantity such as 500m or 512Mi`);
    }
    out[resource] = q;
  }
  if (!Object.keys(out).length) throw new Invalid(`${what} is empty`);
  return out;
}

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

function toNumber(q: string): number {
  const m = QUANTITY.exec(q)!;
  const suffix = m[3] ?? '';
  const exponent = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * exponent;
}

function checkRationale(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new Invalid('rationale must be a sentence saying why');
  // Slack turns <!channel>, <@U…> and <url|text> into pings and links: a model's text gets none of that.
  const text = value.replace(/[<>]/g, '').replace(/\p{Cc}+/gu, ' ').replace(/\s+/g, ' ').trim();
  if (text.length > MAX_RATIONALE) throw new Invalid(`rationale is longer than ${MAX_RATIONALE} characters`);
  return text;
}

function dnsName(value: unknown, what: string, pattern: RegExp, max: number): string {
  if (typeof value !== 'string' || value.length > max || !pattern.test(value)) {
    throw new Invalid(`${what} ${show(value)} is not a valid Kubernetes name`);
  }
  return value;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function onlyKeys(obj: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) {
    throw new Invalid(`${what} has unexpected field ${show(extra[0])}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`);
  }
}

/** A short, quoted rendering of a bad value: the error goes back to the model, so it must not echo a long payload. */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
