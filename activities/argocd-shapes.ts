/**
 * ArgoCD's Application (argoproj.io/v1alpha1) as its REST API returns it, the fields Lookout reads, and the bounded
 * summaries the tools return.
 */
import { truncate } from './integration-output.js';

export const MAX_HISTORY = 20;
export const DEFAULT_HISTORY = 5;
export const MAX_CONDITIONS = 10;
export const MAX_RESOURCES = 10;

export interface ArgoSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
}

export interface ArgoApplication {
  metadata?: { name?: string; namespace?: string };
  spec?: { project?: string; source?: ArgoSource; sources?: ArgoSource[]; destination?: { server?: string; name?: string; namespace?: string } };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    history?: {
      id?: number; revision?: string; revisions?: string[]; deployedAt?: string; deployStartedAt?: string;
      source?: ArgoSource; sources?: ArgoSource[]; initiatedBy?: { username?: string; automated?: boolean };
    }[];
    conditions?: { type?: string; message?: string; lastTransitionTime?: string }[];
    operationState?: {
      phase?: string; message?: string; startedAt?: string; finishedAt?: string;
      operation?: { sync?: { revision?: string; prune?: boolean; dryRun?: boolean } };
      syncResult?: { revision?: string };
    };
    resources?: { group?: string; kind?: string; namespace?: string; name?: string; status?: string; health?: { status?: string; message?: string } }[];
    summary?: { images?: string[] };
  };
}

export interface ArgoAppSummary {
  name: string;
  project?: string;
  syncStatus: string;
  healthStatus: string;
  healthMessage?: string;
  /** The revision currently synced (a commit SHA, or a chart version). */
  revision?: string;
  source: ArgoSource;
  destination?: { server?: string; namespace?: string };
  conditions: { type: string; message: string }[];
  operation?: { phase?: string; message?: string; revision?: string; dryRun?: boolean; startedAt?: string; finishedAt?: string };
  /** Resources that are out of sync or not healthy, at most 10. */
  problemResources: { kind: string; name: string; namespace?: string; status?: string; health?: string; message?: string }[];
  images?: string[];
}

export interface ArgoDeployment {
  id?: number;
  revision?: string;
  deployedAt?: string;
  deployStartedAt?: string;
  source: ArgoSource;
  initiatedBy?: string;
}

export function summarizeApp(app: ArgoApplication): ArgoAppSummary {
  const status = app.status ?? {};
  const op = status.operationState;
  return {
    name: app.metadata?.name ?? '',
    project: app.spec?.project,
    syncStatus: status.sync?.status ?? 'Unknown',
    healthStatus: status.health?.status ?? 'Unknown',
    healthMessage: truncate(status.health?.message, 300),
    revision: status.sync?.revision ?? status.sync?.revisions?.[0],
    source: source(app.spec?.source ?? app.spec?.sources?.[0]),
    destination: app.spec?.destination && { server: app.spec.destination.server ?? app.spec.destination.name, namespace: app.spec.destination.namespace },
    conditions: (status.conditions ?? []).slice(0, MAX_CONDITIONS).map((c) => ({ type: c.type ?? 'Unknown', message: truncate(c.message, 500) ?? '' })),
    operation: op && {
      phase: op.phase,
      message: truncate(op.message, 500),
      revision: op.syncResult?.revision ?? op.operation?.sync?.revision,
      dryRun: op.operation?.sync?.dryRun,
      startedAt: op.startedAt,
      finishedAt: op.finishedAt,
    },
    problemResources: (status.resources ?? [])
      .filter((r) => (r.status && r.status !== 'Synced') || (r.health?.status && r.health.status !== 'Healthy'))
      .slice(0, MAX_RESOURCES)
      .map((r) => ({
        kind: r.kind ?? '', name: r.name ?? '', namespace: r.namespace, status: r.status, health: r.health?.status,
        message: truncate(r.health?.message, 300),
      })),
    images: status.summary?.images?.slice(0, 10),
  };
}

/** The last `limit` deployments, newest first (ArgoCD appends to status.history). */
export function summarizeHistory(app: ArgoApplication, limit: number): ArgoDeployment[] {
  return [...(app.status?.history ?? [])].reverse().slice(0, limit).map((h) => ({
    id: h.id,
    revision: h.revision ?? h.revisions?.[0],
    deployedAt: h.deployedAt,
    deployStartedAt: h.deployStartedAt,
    source: source(h.source ?? h.sources?.[0]),
    initiatedBy: h.initiatedBy?.automated ? 'automated sync' : h.initiatedBy?.username,
  }));
}

function source(s: ArgoSource | undefined): ArgoSource {
  return { repoURL: s?.repoURL, path: s?.path, targetRevision: s?.targetRevision, ...(s?.chart ? { chart: s.chart } : {}) };
}
