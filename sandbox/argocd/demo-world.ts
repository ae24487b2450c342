/** The ArgoCD side of the demo world: the `cart` application, Degraded since its last deployment. */
import type { StoredApplication } from './types.js';

export const DEMO_APP = 'cart';
export const DEMO_PROJECT = 'shop';
export const DEMO_REPO = 'https://github.com/example/shop-deploy.git';

const source = (targetRevision = 'main') => ({ repoURL: DEMO_REPO, path: 'apps/cart', targetRevision });

export function demoApplications(): StoredApplication[] {
  return [{
    metadata: {
      name: DEMO_APP,
      namespace: 'argocd',
      uid: '5c0f6f3e-3b1d-4c1a-9d55-0c2f4e7d8a10',
      resourceVersion: '48213',
      creationTimestamp: '2026-09-02T10:00:00Z',
      labels: { team: 'shop', tier: 'backend' },
    },
    spec: {
      project: DEMO_PROJECT,
      source: source(),
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    },
    status: {
      sync: {
        status: 'Synced',
        revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e',
        comparedTo: { source: source(), destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
      },
      health: { status: 'Degraded', message: 'Deployment "cart" exceeded its progress deadline' },
      history: [
        { id: 11, revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', deployStartedAt: '2026-11-18T14:01:55Z', deployedAt: '2026-11-18T14:02:10Z', source: source(), initiatedBy: { automated: true } },
        { id: 12, revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6', deployStartedAt: '2026-11-20T09:30:02Z', deployedAt: '2026-11-20T09:30:20Z', source: source(), initiatedBy: { username: 'alice' } },
        { id: 13, revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e', deployStartedAt: '2026-11-21T06:55:40Z', deployedAt: '2026-11-21T06:56:02Z', source: source(), initiatedBy: { username: 'bob' } },
      ],
      conditions: [],
      reconciledAt: '2026-11-21T07:15:00Z',
      operationState: {
        operation: { sync: { revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e', prune: false }, initiatedBy: { username: 'bob' }, retry: {} },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: { revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e', source: source(), resources: [] },
        startedAt: '2026-11-21T06:55:40Z',
        finishedAt: '2026-11-21T06:56:02Z',
      },
      resources: [
        { version: 'v1', kind: 'Service', namespace: 'shop', name: 'cart', status: 'Synced', health: { status: 'Healthy' } },
        { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'cart', status: 'Synced', health: { status: 'Degraded', message: 'Deployment "cart" exceeded its progress deadline' } },
      ],
      sourceType: 'Kustomize',
      summary: { images: ['registry.example.com/shop/cart:2.14.0'] },
    },
  }];
}
