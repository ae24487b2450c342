import { Client } from '@temporalio/client';
import { slackMode, type Config } from '../core/config.js';
import { createCipher, loadEncryptionKey, type Cipher } from '../core/crypto.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { checkDatabase, type Database } from '../db/index.js';
import { connectTemporal } from '../worker/clients.js';
import { startServer, type LookoutServer } from './app.js';
import { createIncidentGateway } from './incidents.js';
import { createInstallationStore, forgetWorkspace } from './installation-store.js';
import { sessionSecret } from './settings/session.js';
import { createSettingsStore } from './settings/store.js';
import { createServerStore } from './store.js';

/** Connects the server to Temporal and PostgreSQL and starts it; close() releases what it opened. */
export async function runServer(config: Config, db: Database, metrics: Metrics, log: Logger): Promise<LookoutServer> {
  const connection = await connectTemporal(config.temporal.address ?? '127.0.0.1:7233');
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const oauth = slackMode(config.slack)?.kind === 'oauth';
  // The key is loaded (and, unset, generated) when first needed: at once in OAuth mode, where tokens are stored;
  // otherwise when the settings page first stores a webhook URL or signs a session.
  let key: Buffer | undefined;
  const getKey = () => (key ??= loadEncryptionKey(config));
  const cipher: Cipher = {
    encrypt: (plaintext, context) => createCipher(getKey()).encrypt(plaintext, context),
    decrypt: (stored, context) => createCipher(getKey()).decrypt(stored, context),
  };
  const installations = oauth ? createInstallationStore(db.sql, createCipher(getKey())) : undefined;
  let secret: Buffer | undefined;
  if (oauth && !config.encryptionKey && !db.embedded) {
    log.warn(`tokens are encrypted with the key generated in ${config.dataDir}: set ENCRYPTION_KEY when servers and workers run on different machines`);
  }
  const server = await startServer({
    config, log, metrics, installations,
    forgetWorkspace: (ref) => forgetWorkspace(db.sql, ref),
    store: createServerStore(db.sql),
    settings: { store: createSettingsStore(db.sql), cipher, sessionSecret: () => (secret ??= sessionSecret(getKey())) },
    incidents: createIncidentGateway(client, {
      taskQueue: config.temporal.taskQueue, metrics, waiting: config.incidents,
      ...(config.anthropic.apiKey ? { agent: { ...config.anthropic.limits, timeout: config.anthropic.timeoutMs } } : {}),
    }),
    checks: {
      temporal: async () => void (await connection.workflowService.getSystemInfo({})),
      postgres: () => checkDatabase(db.sql),
    },
  }).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  let closing: Promise<void> | undefined;
  return {
    ...server,
    // Closing twice (a second Ctrl-C, a test that already closed it) waits for the first close.
    close() {
      closing ??= server.close().then(() => connection.close());
      return closing;
    },
  };
}
