/** Starts a KubernetesTestServer plus real @kubernetes/client-node clients that reach it via a written kubeconfig. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Metrics } from '@kubernetes/client-node';
import { KubernetesTestServer } from '../../../sandbox/kubernetes/server.js';
import type { KubernetesTestServerOptions } from '../../../sandbox/kubernetes/server.js';

export interface Cluster {
  server: KubernetesTestServer;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function startCluster(opts: KubernetesTestServerOptions = {}): Promise<Cluster> {
  const server = new KubernetesTestServer(opts);
  await server.start();
  const dir = mkdtempSync(join(tmpdir(), 'lookout-k8s-'));
  const file = join(dir, 'kubeconfig');
  server.writeKubeconfig(file);
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return {
    server,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    metrics: new Metrics(kc),
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ApiException a call rejects with, and the Status object in its body. */
export async function apiError(call: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    return { code: e.code, status: body ? JSON.parse(body) : {} };
  }
  throw new Error('expected the call to fail');
}
