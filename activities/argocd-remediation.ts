/**
 * The two ArgoCD remediations, run by executeRemediation: a sync (dry run first, then the real one, marked with the
 * approval's key in the operation's `infos`) and a resource action such as `restart` on one of the application's
 * resources. A retry after an interrupted attempt recognises its own change and reports it instead of acting again.
 */
import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import { summarizeApp } from './argocd-shapes.js';
import type { ArgoApplication } from './argocd-shapes.js';
import { ARGOCD_NOT_CONFIGURED, argoCall, argoPermissionDenied, createArgoCdActivities, isOk, message } from './argocd.js';
import type { ArgoCdDeps } from './argocd.js';
import type { ApiAnswer } from './integration-output.js';
import { firstAttemptAt } from './attempt.js';

/** The name of the sync `info` that carries the approval's idempotency key. */
export const ARGOCD_KEY_INFO = 'lookout.dev/remediation';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface ArgoCdRemediationOptions {
  /** How long to wait for a dry run, then the real sync, to finish before reporting it as still running; default 20 s. */
  operationWaitMs?: number;
  pollMs?: number;
}

type Argo = NonNullable<ArgoCdDeps['argocd']>;

export function createArgoCdRemediation({ argocd }: ArgoCdDeps, { operationWaitMs = 20_000, pollMs = 250 }: ArgoCdRemediationOptions = {}) {
  const tools = createArgoCdActivities({ argocd });

  /** `argocd_sync_application`: params `{revision?}`. Returns the before → after summary. */
  async function sync(name: string, key: string, params: Record<string, unknown>): Promise<string> {
    const argo = configured();
    const revision = typeof params.revision === 'string' && params.revision ? params.revision : undefined;
    const app = await readApp(argo, name);
    const before = summarizeApp(app);
    const beforeText = `${before.syncStatus} at ${short(before.revision)}`;
    if (ownOperation(app, key)) {
      return `ArgoCD application ${name}: this approval's sync already ran (operation ${before.operation?.phase ?? '?'}, ` +
        `now ${beforeText}); nothing more to do.`;
    }
    const infos = [{ name: ARGOCD_KEY_INFO, value: key }];
    const dry = await tools.argocdSyncApplication({ name, revision, dryRun: true, infos });
    if (!dry.ok) throw refusal(dry.error);
    const dryEnd = await waitForOperation(argo, name);
    const dryPhase = dryEnd.status?.operationState?.phase;
    if (dryPhase === 'Running') throw ApplicationFailure.retryable(`ArgoCD's dry run of ${name} is still running; retrying.`, 'ArgoCDBusy');
    if (dryPhase !== 'Succeeded') {
      throw ApplicationFailure.nonRetryable(
        `ArgoCD's dry run of ${name} ${dryPhase ?? 'ended'}: ${dryEnd.status?.operationState?.message ?? 'no message'}; nothing was changed.`, 'Invalid',
      );
    }
    const real = await tools.argocdSyncApplication({ name, revision, dryRun: false, infos });
    if (!real.ok) throw refusal(real.error);
    const after = summarizeApp(await waitForOperation(argo, name));
    const target = revision ?? before.source.targetRevision ?? 'its target revision';
    const phase = after.operation?.phase ?? 'Running';
    if (phase === 'Running') return `ArgoCD application ${name} sync started: ${beforeText} → ${target} (operation still Running).`;
    return `ArgoCD application ${name} synced: ${beforeText} → ${after.syncStatus} at ${short(after.revision)} (operation ${phase}` +
      `${after.operation?.message ? `: ${after.operation.message}` : ''}).`;
  }

  /** `argocd_run_resource_action`: params `{action, kind, namespace, name}`, e.g. restart on a Deployment. */
  async function runAction(appName: string, key: string, params: Record<string, unknown>): Promise<string> {
    const argo = configured();
    const { action, kind, namespace, name } = params as Record<string, string | undefined>;
    if (!action || !kind || !name) {
      throw ApplicationFailure.nonRetryable('argocd_run_resource_action needs params.action, params.kind and params.name.', 'Invalid');
    }
    const app = await readApp(argo, appName);
    const resource = app.status?.resources?.find((r) => r.kind === kind && r.name === name && (!namespace || r.namespace === namespace));
    const what = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    if (!resource) {
      throw ApplicationFailure.nonRetryable(`${what} is not a resource of ArgoCD application ${appName}; nothing was changed.`, 'Invalid');
    }
    const group = (resource as { group?: string }).group ?? '';
    const version = (resource as { version?: string }).version ?? 'v1';
    const query = new URLSearchParams({ namespace: resource.namespace ?? '', resourceName: name, version, kind, group }).toString();
    const permission = `action/${group ? `${group}/` : ''}${kind}/${action}`;
    const beforeMark = await restartedAt(argo, appName, query);
    // A retry after the action ran (the worker died before recording it) finds the restart it made.
    const since = firstAttemptAt();
    if (action === 'restart' && since !== undefined && beforeMark && Date.parse(beforeMark) >= Math.floor(since / 1000) * 1000) {
      return `ArgoCD already ran restart on ${what} for this approval (restartedAt ${beforeMark}); nothing more to do.`;
    }
    // ArgoCD has no dry run for resource actions; listing the actions it offers for the resource is the preflight.
    const offered = await argoCall(argo, `applications/${enc(appName)}/resource/actions?${query}`);
    if (offered.status === 403) throw await argoPermissionDenied(argo, appName, offered, 'get');
    if (!isOk(offered)) throw refusal(`ArgoCD answered HTTP ${offered.status} listing the actions of ${what}: ${message(offered)}`);
    const actions = ((offered.body as { actions?: { name?: string; disabled?: boolean }[] }).actions ?? []);
    const offer = actions.find((a) => a.name === action);
    if (!offer || offer.disabled) {
      const names = actions.filter((a) => !a.disabled).map((a) => a.name).join(', ') || 'none';
      throw ApplicationFailure.nonRetryable(`ArgoCD offers no action ${action} on ${what} (available: ${names}); nothing was changed.`, 'Invalid');
    }
    const ran = await argoCall(argo, `applications/${enc(appName)}/resource/actions?${query}`, action);
    if (ran.status === 403) throw await argoPermissionDenied(argo, appName, ran, permission);
    if (ran.status < 200 || ran.status >= 300) throw refusal(`ArgoCD answered HTTP ${ran.status} running ${action} on ${what}: ${message(ran)}`);
    const afterMark = action === 'restart' ? await restartedAt(argo, appName, query) : undefined;
    const change = afterMark ? `: restartedAt ${beforeMark ?? 'never'} → ${afterMark}` : '';
    return `ArgoCD ran ${action} on ${what} of application ${appName} (approval ${key})${change}.`;
  }

  function configured(): Argo {
    if (!argocd) throw ApplicationFailure.nonRetryable(`${ARGOCD_NOT_CONFIGURED}; nothing was changed.`, 'NotConfigured');
    return argocd;
  }

  async function readApp(argo: Argo, name: string): Promise<ArgoApplication> {
    const answer = await argoCall(argo, `applications/${enc(name)}`);
    if (answer.status === 403) throw await argoPermissionDenied(argo, name, answer, 'get');
    if (answer.status === 404) throw ApplicationFailure.nonRetryable(`ArgoCD has no application ${name}; nothing was changed.`, 'NotFound');
    if (!isOk(answer)) throw refusal(`ArgoCD answered HTTP ${answer.status} for application ${name}: ${message(answer)}`);
    return answer.body as ArgoApplication;
  }

  /** The application once its operation is no longer Running, or as it is when `operationWaitMs` has passed. */
  async function waitForOperation(argo: Argo, name: string): Promise<ArgoApplication> {
    const deadline = Date.now() + operationWaitMs;
    for (;;) {
      const app = await readApp(argo, name);
      if (app.status?.operationState?.phase !== 'Running' || Date.now() >= deadline) return app;
      beat();
      await pause(pollMs);
    }
  }

  /** The live resource's restartedAt annotation (what the restart action sets), if ArgoCD shows the manifest. */
  async function restartedAt(argo: Argo, appName: string, query: string): Promise<string | undefined> {
    const answer: ApiAnswer = await argoCall(argo, `applications/${enc(appName)}/resource?${query}`);
    if (!isOk(answer)) return undefined;
    try {
      const manifest = JSON.parse(String((answer.body as { manifest?: unknown }).manifest)) as
        { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };
      return manifest.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    } catch {
      return undefined;
    }
  }

  return { sync, runAction };
}

/** Whether the application's current or last operation is the sync this approval started. */
function ownOperation(app: ArgoApplication, key: string): boolean {
  const op = app.status?.operationState?.operation as { sync?: { dryRun?: boolean }; info?: { name?: string; value?: string }[] } | undefined;
  return !op?.sync?.dryRun && !!op?.info?.some((i) => i.name === ARGOCD_KEY_INFO && i.value === key);
}

/** ok:false from the ArgoCD tools: a permanent refusal, said as ArgoCD said it. */
function refusal(error: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${error}; nothing was changed.`, 'Invalid');
}


function beat(): void {
  try {
    heartbeat();
  } catch {
    // outside an activity (unit tests): nothing to report to
  }
}

async function pause(ms: number): Promise<void> {
  try {
    await sleep(ms);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function short(revision: string | undefined): string {
  return revision ? (/^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision) : 'an unknown revision';
}

const enc = encodeURIComponent;
