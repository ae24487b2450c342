import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { WebClient, type WebClientOptions } from '@slack/web-api';
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
