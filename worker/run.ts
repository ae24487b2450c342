import type { Worker } from '@temporalio/worker';
import type postgres from 'postgres';
import type { ActivityDeps } from '../activities/index.js';
import { createChannelPacer } from '../activities/slack-pacing.js';
import { requireSlackMode, temporalUiLink, type Config } from '../core/config.js';
import { createCipher, loadEncryptionKey } from '../core/crypto.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { createInstallationStore } from '../server/installation-store.js';
import { buildAnthropic, buildKubernetes, buildSlackClient, connectTemporal, connectTemporalNative, createWorkspaceClients, slackClientOptions, workspaceTokenResolver } from './clients.js';
import { createWorker, type CreateWorkerOptions } from './create-worker.js';
import { ensureDigestSchedule } from './schedules.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { installTemporalLogging } from './temporal-logging.js';

/** The real clients, built once per process and shared by every activity. */
export function buildActivityDeps(config: Config, sql: postgres.Sql, metrics?: Metrics): ActivityDeps {
  const mode = requireSlackMode(config.slack);
  return {
    slackFor: mode.kind === 'oauth' ? workspaceClients(config, sql) : singleClient(config, mode.botToken),
    auditUrl: (workflowId) => temporalUiLink(config.temporal, workflowId),
    banner: config.banner,
    kubernetes: buildKubernetes(config),
    anthropic: buildAnthropic(config),
    limits: config.anthropic.limits,
    prometheus: config.prometheusUrl ? { baseUrl: config.prometheusUrl } : undefined,
    sentry: config.sentry,
    argocd: config.argocd,
    links: {
      prometheus: config.prometheusUrl,
      sentry: config.sentry && { baseUrl: config.sentry.baseUrl, org: config.sentry.org },
      argocd: config.argocd?.baseUrl,
    },
    sql,
    approvers: config.approvers,
    approveAnyone: config.approveAnyone,
    defaultPolicy: config.policy,
    metrics,
    pacer: createChannelPacer(sql, { intervalMs: config.slackChannelPaceMs }),
  };
}

function singleClient(config: Config, token: string) {
  const slack = buildSlackClient(config, token);
  return async () => slack;
}

/** Each workspace's own bot token, from the installations the server stored (OAuth mode). */
function workspaceClients(config: Config, sql: postgres.Sql) {
  const installations = createInstallationStore(sql, createCipher(loadEncryptionKey(config)));
  const options = slackClientOptions(config);
  return createWorkspaceClients(workspaceTokenResolver(installations, options), options);
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export interface StartWorkerOptions extends Pick<CreateWorkerOptions, 'workflowBundle' | 'tuning'> {
  /** False when the caller installed the Temporal Runtime with its own logger (the benchmark counts warnings). */
  forwardTemporalLogs?: boolean;
}

export async function startWorker(
  config: Config, deps: ActivityDeps, log: Logger, { workflowBundle, tuning, forwardTemporalLogs = true }: StartWorkerOptions = {},
): Promise<RunningWorker> {
  if (forwardTemporalLogs) installTemporalLogging(log);
  const address = config.temporal.address ?? '127.0.0.1:7233';
  const connection = await connectTemporalNative(address);
  const admin = await connectTemporal(address);
  try {
    await ensureSearchAttributes(admin, config.temporal.namespace);
    await ensureDigestSchedule(admin, { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace });
  } finally {
    await admin.close();
  }
  // WORKER_* from the environment, under whatever the caller passes explicitly.
  const options = { ...config.worker, ...tuning };
  const worker = await createWorker({ connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, deps, workflowBundle, tuning: options });
  const done = worker.run().finally(() => connection.close());
  log.info({ address, taskQueue: config.temporal.taskQueue }, 'worker polling');
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
