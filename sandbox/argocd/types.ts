/** Applications (argoproj.io/v1alpha1) as ArgoCD's REST API returns them, loosely typed: stored and served as given. */

export interface StoredApplication {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [field: string]: unknown };
  spec: {
    project: string;
    source?: { repoURL: string; path?: string; targetRevision?: string; chart?: string };
    sources?: { repoURL: string; path?: string; targetRevision?: string; chart?: string }[];
    destination?: { server?: string; name?: string; namespace?: string };
    [field: string]: unknown;
  };
  status?: {
    sync?: { status: string; revision?: string; [field: string]: unknown };
    health?: { status: string; message?: string };
    history?: { id: number; revision: string; deployedAt: string; deployStartedAt?: string; source?: unknown; initiatedBy?: unknown }[];
    conditions?: { type: string; message: string; lastTransitionTime?: string }[];
    operationState?: {
      operation: {
        sync?: { revision?: string; prune?: boolean; dryRun?: boolean }; initiatedBy?: { username?: string; automated?: boolean };
        info?: { name: string; value: string }[]; retry?: unknown;
      };
      phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
      message?: string;
      syncResult?: { revision: string; source?: unknown; resources?: unknown[] };
      startedAt: string;
      finishedAt?: string;
    };
    resources?: { group?: string; version?: string; kind: string; namespace?: string; name: string; status?: string; health?: { status: string; message?: string } }[];
    [field: string]: unknown;
  };
  operation?: unknown;
}

/** A sync or resource action the server accepted (dry runs included), in order. */
export interface ArgoMutation {
  action: 'sync' | 'resource-action';
  /** For a resource action: its name (`restart`) and the resource it ran on. */
  resourceAction?: string;
  resource?: { group: string; kind: string; namespace?: string; name: string };
  name: string;
  revision?: string;
  prune: boolean;
  dryRun: boolean;
  /** The request body as received. */
  body: Record<string, unknown>;
  at: number;
}

export interface ArgoRequest {
  method: string;
  /** Path with the query string, as received. */
  path: string;
  status: number;
  at: number;
}
