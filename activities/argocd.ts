/**
 * ArgoCD tools over its REST API at ARGOCD_URL (bearer token): two read tools (application status, deployment
 * history) and the sync remediation primitive. Not configured, or an answer ArgoCD refuses, is `ok: false`;
 * an unreachable or failing ArgoCD throws so Temporal retries; a sync the token may not do fails for good.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ContextTool } from '../core/llm-prompt.js';
import { DEFAULT_HISTORY, MAX_HISTORY, summarizeApp, summarizeHistory } from './argocd-shapes.js';
import type { ArgoApplication, ArgoAppSummary, ArgoDeployment } from './argocd-shapes.js';
import { baseOf, callApi, clean, cleanDeep } from './integration-output.js';
import type { ApiAnswer } from './integration-output.js';

export type * from './argocd-shapes.js';
export { DEFAULT_HISTORY, MAX_CONDITIONS, MAX_HISTORY, MAX_RESOURCES } from './argocd-shapes.js';

/** Undefined when ARGOCD_URL or ARGOCD_AUTH_TOKEN is unset: the tools then say so. */
export interface ArgoCdDeps {
  argocd?: { baseUrl: string; token: string; fetch?: typeof fetch };
}

export const ARGOCD_NOT_CONFIGURED = 'ArgoCD is not configured (set ARGOCD_URL and ARGOCD_AUTH_TOKEN)';
/** The remediation action (CONTRACT section 5) that argocdSyncApplication carries out. */
export const ARGOCD_SYNC_ACTION = 'argocd_sync_application';

export type ArgoFailure = { ok: false; error: string };
export type ArgoAppResult = { ok: true; application: ArgoAppSummary } | ArgoFailure;
export type ArgoHistoryResult = { ok: true; name: string; deployments: ArgoDeployment[]; total: number } | ArgoFailure;
/** `alreadyRunning`: the same sync (revision, dry run) was already in progress, e.g. started by an earlier attempt. */
export type ArgoSyncResult = { ok: true; application: ArgoAppSummary; alreadyRunning?: boolean } | ArgoFailure;

export interface ArgoAppInput {
  name: string;
}

export interface ArgoHistoryInput extends ArgoAppInput {
  /** 1 to 20; default 5. */
  limit?: number;
}

export interface ArgoSyncInput extends ArgoAppInput {
  /** Git revision, tag or chart version to sync to; the application's target revision when absent. */
  revision?: string;
  /** Default false. Running a dry run first is the caller's job. */
  dryRun?: boolean;
  /** Recorded on the operation (ArgoCD's `infos`), e.g. Lookout's idempotency key, so a retry can recognise its sync. */
  infos?: { name: string; value: string }[];
}

// Kubernetes object names (RFC 1123 subdomain).
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function createArgoCdActivities({ argocd }: ArgoCdDeps) {
  /** Sync and health status, current revision, source and conditions of one application. */
  async function argocdGetApplication({ name }: ArgoAppInput): Promise<ArgoAppResult> {
    if (!argocd) return { ok: false, error: ARGOCD_NOT_CONFIGURED };
    const bad = invalidName(name);
    if (bad) return bad;
    const answer = await call(`applications/${enc(name)}`);
    if (!isOk(answer)) return failure(answer, `application ${name}`);
    return cleanDeep({ ok: true as const, application: summarizeApp(answer.body as ArgoApplication) });
  }

  /** The last deployments of one application, newest first: revision, time, source. */
  async function argocdGetHistory({ name, limit = DEFAULT_HISTORY }: ArgoHistoryInput): Promise<ArgoHistoryResult> {
    if (!argocd) return { ok: false, error: ARGOCD_NOT_CONFIGURED };
    const bad = invalidName(name);
    if (bad) return bad;
    const n = Math.min(Math.max(Math.floor(Number(limit)) || DEFAULT_HISTORY, 1), MAX_HISTORY);
    const answer = await call(`applications/${enc(name)}`);
    if (!isOk(answer)) return failure(answer, `application ${name}`);
    const app = answer.body as ArgoApplication;
    return cleanDeep({ ok: true as const, name, deployments: summarizeHistory(app, n), total: app.status?.history?.length ?? 0 });
  }

  /**
   * Starts a sync (the remediation primitive). ArgoCD answers at once with the operation Running; its outcome shows
   * in argocdGetApplication's `operation`. A token without the sync permission fails without retries.
   */
  async function argocdSyncApplication({ name, revision, dryRun = false, infos }: ArgoSyncInput): Promise<ArgoSyncResult> {
    if (!argocd) return { ok: false, error: ARGOCD_NOT_CONFIGURED };
    const bad = invalidName(name);
    if (bad) return bad;
    const body = { name, ...(revision ? { revision } : {}), prune: false, dryRun, ...(infos?.length ? { infos } : {}) };
    const answer = await call(`applications/${enc(name)}/sync`, body);
    if (answer.status === 403) throw await argoPermissionDenied(argocd, name, answer, 'sync');
    if (answer.status === 400 && /another operation is already in progress/.test(message(answer))) {
      // A retry after a lost answer finds its own sync running: that is the same sync, not a failure.
      const running = await sameSyncRunning(name, revision, dryRun);
      if (running) return cleanDeep({ ok: true as const, application: summarizeApp(running), alreadyRunning: true });
    }
    if (!isOk(answer)) return failure(answer, `sync of application ${name}`);
    return cleanDeep({ ok: true as const, application: summarizeApp(answer.body as ArgoApplication) });
  }

  async function sameSyncRunning(name: string, revision: string | undefined, dryRun: boolean): Promise<ArgoApplication | undefined> {
    const answer = await call(`applications/${enc(name)}`);
    if (!isOk(answer)) return undefined;
    const app = answer.body as ArgoApplication;
    const op = app.status?.operationState;
    const wanted = revision ?? app.spec?.source?.targetRevision ?? app.spec?.sources?.[0]?.targetRevision;
    const sync = op?.operation?.sync;
    return op?.phase === 'Running' && sync && Boolean(sync.dryRun) === dryRun && (sync.revision ?? undefined) === wanted ? app : undefined;
  }

  function call(path: string, json?: unknown): Promise<ApiAnswer> {
    return argoCall(argocd!, path, json);
  }

  return { argocdGetApplication, argocdGetHistory, argocdSyncApplication };
}

/** One ArgoCD API request: GET without `json`, POST with it. `path` is under /api/v1/ and may carry a query. */
export function argoCall(argocd: NonNullable<ArgoCdDeps['argocd']>, path: string, json?: unknown): Promise<ApiAnswer> {
  // ARGOCD_URL may be given with or without the /api/v1 suffix.
  const url = new URL(`api/v1/${path}`, baseOf(argocd.baseUrl, /\/api\/v1\/?$/));
  return callApi({ service: 'ArgoCD', url, token: argocd.token, fetch: argocd.fetch, method: json === undefined ? 'GET' : 'POST', json });
}

/**
 * A 403 from ArgoCD as a failure that is not retried (type `Forbidden`), naming the RBAC policy to grant. `permission`
 * is ArgoCD's action: `sync`, or `action/apps/Deployment/restart` for a resource action.
 */
export async function argoPermissionDenied(
  argocd: NonNullable<ArgoCdDeps['argocd']>, name: string, answer: ApiAnswer, permission: string,
): Promise<ApplicationFailure> {
  // ArgoCD's RBAC error names the policy it checked: "permission denied: applications, sync, default/cart, sub: ...".
  let policy = /permission denied: (applications, [^,\s]+, [^,\s]+)/.exec(message(answer))?.[1];
  if (!policy) {
    const app = await argoCall(argocd, `applications/${enc(name)}`).catch(() => undefined);
    const project = app && isOk(app) ? (app.body as ArgoApplication).spec?.project : undefined;
    policy = `applications, ${permission}, ${project ?? '*'}/${name}`;
  }
  const what = permission === 'sync' ? `sync application ${name}` : `run ${permission} on application ${name}`;
  return ApplicationFailure.nonRetryable(
    clean(`ArgoCD refused to ${what}: the token lacks the permission "${policy}" ` +
      `(grant it in argocd-rbac-cm, e.g. "p, role:lookout, ${policy}, allow")`),
    'Forbidden',
  );
}

export function isOk(answer: ApiAnswer): boolean {
  return answer.status >= 200 && answer.status < 300 && !!answer.body && typeof answer.body === 'object';
}

/** grpc-gateway errors: `{"error": "...", "code": 5, "message": "..."}`. */
export function message(answer: ApiAnswer): string {
  const body = answer.body as { message?: unknown; error?: unknown } | undefined;
  const text = body?.message ?? body?.error;
  return typeof text === 'string' ? text : answer.text.trim().slice(0, 200) || 'not a JSON answer';
}

function failure(answer: ApiAnswer, what: string): ArgoFailure {
  const hint = answer.status === 401 ? ' (check ARGOCD_AUTH_TOKEN)'
    : answer.status === 403 ? ' (the token\'s role needs "applications, get" on this application\'s project)'
    : answer.status < 300 ? ' (is ARGOCD_URL the ArgoCD server\'s base URL?)' : '';
  return { ok: false, error: clean(`ArgoCD answered HTTP ${answer.status} for ${what}${hint}: ${message(answer)}`) };
}

function invalidName(name: unknown): ArgoFailure | undefined {
  return typeof name === 'string' && NAME.test(name)
    ? undefined
    : { ok: false, error: clean(`name: ${JSON.stringify(name)} is not an ArgoCD application name`) };
}

const enc = encodeURIComponent;

/** The read tools an LLM agent sees, by the names users see, mapped to the activities that run them. */
export const argocdTools = {
  argocd_application_get: {
    activity: 'argocdGetApplication',
    description:
      'Get an ArgoCD application: sync status, health status, the revision deployed, its Git source (repo, path, target ' +
      'revision), conditions, the last sync operation and any out-of-sync or unhealthy resources.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'ArgoCD application name, e.g. cart' } },
      required: ['name'],
      additionalProperties: false,
    },
  },
  argocd_application_history: {
    activity: 'argocdGetHistory',
    description: 'List the last deployments of an ArgoCD application, newest first: revision, when it was deployed, and its source.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'ArgoCD application name' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_HISTORY, description: 'How many deployments; default 5' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
} as const satisfies Record<string, ArgoCdTool>;

export type ArgoCdTool = ContextTool<keyof ReturnType<typeof createArgoCdActivities>>;

export type ArgoCdToolName = keyof typeof argocdTools;
