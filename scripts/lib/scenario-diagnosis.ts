import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createKubernetesActivities } from '../../activities/kubernetes.js';
import type { Alert } from '../../core/alert.js';
import type { Diagnosis } from '../../core/diagnosis.js';
import type { KubernetesFacts } from '../../core/kubernetes-facts.js';
import { analyse } from '../../core/runbook.js';
import type { KubernetesWorld } from '../../sandbox/kubernetes/types.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { buildKubernetes } from '../../worker/clients.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Serves scenario worlds through the local Kubernetes API test server and diagnoses alerts with the incident's own
 * activities (run outside a worker) and the analyser. One server is reused across scenarios.
 */
export async function createScenarioDiagnoser() {
  const server = new KubernetesTestServer({ recreateDeletedPods: false });
  await server.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-diagnose-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  server.writeKubeconfig(kubeconfig);
  const activities = createKubernetesActivities({ kubernetes: buildKubernetes({ kubeconfig }) });
  const env = new MockActivityEnvironment({ activityType: 'collectKubernetesFacts' }, { logger: quietLogger });
  return {
    async diagnose(alert: Alert, world: KubernetesWorld = {}): Promise<Diagnosis> {
      server.load(world);
      const facts = (await env.run(activities.collectKubernetesFacts, { target: alert.target })) as KubernetesFacts;
      return analyse(alert, facts);
    },
    async close() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
