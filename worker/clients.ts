import Anthropic from '@anthropic-ai/sdk';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../core/config.js';
import type { KubernetesDeps } from '../activities/kubernetes.js';

/** Kubernetes clients from KUBECONFIG, or the pod's service account in a cluster; undefined when neither exists. */
export function buildKubernetes(config: Pick<Config, 'kubeconfig'>, env = process.env): KubernetesDeps['kubernetes'] {
  const kc = new KubeConfig();
  if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
  else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else return undefined;
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
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

/**
 * `slackFor(teamId)` in OAuth mode: a client with that workspace's bot token from the installation store, kept for
 * `ttlMs` so a burst of activities reads the store once, and briefly enough that a reinstall's new token is picked up.
 * A workspace with no installation fails the activity for good: no retry can install the app.
 */
export function createWorkspaceClients(
  tokenFor: (teamId: string) => Promise<string | undefined>,
  options: WebClientOptions,
  { ttlMs = 60_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): (teamId?: string) => Promise<WebClient> {
  const cache = new Map<string, { client: WebClient; token: string; expires: number }>();
  return async (teamId) => {
    if (!teamId) {
      throw ApplicationFailure.nonRetryable('this incident names no Slack workspace, so no installation can be chosen: route its alerts to a channel chosen in a workspace\'s settings', 'SlackNotInstalled');
    }
    const hit = cache.get(teamId);
    if (hit && hit.expires > now()) return hit.client;
    const token = await tokenFor(teamId);
    if (!token) {
      cache.delete(teamId);
      throw ApplicationFailure.nonRetryable(`Lookout is not installed in Slack workspace ${teamId} (uninstalled or never installed): reinstall it at /slack/install`, 'SlackNotInstalled');
    }
    const client = hit?.token === token ? hit.client : new WebClient(token, options);
    cache.set(teamId, { client, token, expires: now() + ttlMs });
    return client;
  };
}

/**
 * A workspace's bot token: its own installation's, else that of the org-wide install whose org it belongs to. Only
 * Slack knows an org's workspaces, so each org token is asked (auth.teams.list); createWorkspaceClients caches the result.
 */
export function workspaceTokenResolver(
  installations: { tokenFor(teamId: string): Promise<string | undefined>; orgTokens(): Promise<{ token: string }[]> },
  options: WebClientOptions,
): (teamId: string) => Promise<string | undefined> {
  return async (teamId) => {
    const own = await installations.tokenFor(teamId);
    if (own) return own;
    for (const { token } of await installations.orgTokens()) {
      const listed = await new WebClient(token, options).auth.teams.list({ limit: 1000 }).catch(() => undefined);
      if (listed?.teams?.some((t) => t.id === teamId)) return token;
    }
    return undefined;
  };
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

/** The Messages API client, or undefined when ANTHROPIC_API_KEY is not set (the analyser alone then diagnoses). */
export function buildAnthropic(config: Pick<Config, 'anthropic'>): { client: Anthropic; model: string } | undefined {
  const { apiKey, baseUrl, model } = config.anthropic;
  if (!apiKey) return undefined;
  // Retries belong to Temporal (llmTurn's retry policy), so the SDK's own are off per request.
  return { client: new Anthropic({ apiKey, ...(baseUrl ? { baseURL: baseUrl } : {}) }), model };
}
