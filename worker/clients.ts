import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../core/config.js';
import type { KubernetesDeps } from '../activities/kubernetes.js';

/** Kubernetes clients from KUBECONFIG, or the pod's service account in a cluster; undefined when neither exists. */
export function buildKubernetes(config: Pick<Config, 'kubeconfig'>, env = process.env): KubernetesDeps['kubernetes'] {
  const kc = new KubeConfig();
  if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
  else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else return undefined;
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/**
 * Web API client options shared by the server and the worker. Rate-limited calls are rejected rather than waited out
 * inside the client, so the activity's retry (with Slack's Retry-After) does the waiting, visibly in the history.
 */
export function slackClientOptions(config: Pick<Config, 'slack'>): WebClientOptions {
  return { slackApiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 1, factor: 1, minTimeout: 200 } };
}

export function buildSlackClient(config: Pick<Config, 'slack'>, token = config.slack.botToken): WebClient {
  return new WebClient(token, slackClientOptions(config));
}

/** Connections to Temporal that fail with one line saying where they tried and what to check. */
export async function connectTemporal(address: string): Promise<Connection> {
  return await explain(address, () => Connection.connect({ address, connectTimeout: 10_000 }));
}

export async function connectTemporalNative(address: string): Promise<NativeConnection> {
  return await explain(address, () => NativeConnection.connect({ address }));
}

async function explain<T>(address: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    throw new Error(`could not reach Temporal at ${address}: ${(err as Error).message} (start it, or check TEMPORAL_ADDRESS)`, { cause: err });
  }
}
