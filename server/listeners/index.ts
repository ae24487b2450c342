import type { App } from '@slack/bolt';
import type { Config } from '../../core/config.js';
import type { Metrics } from '../../core/metrics.js';
import type { IncidentGateway } from '../incidents.js';
import type { ServerStore } from '../store.js';
import { registerActions } from './actions.js';
import { registerAlertWatcher } from './alerts.js';
import { registerCommands } from './commands.js';
import { registerEvents } from './events.js';

export interface ListenerDeps {
  incidents: IncidentGateway;
  store: Pick<ServerStore, 'findIncidentByReport' | 'recordRefusal' | 'openIncidents' | 'workspaceSettings' | 'findOpenIncidentByFingerprint' | 'recordFeedback' | 'recentAudit'>;
  metrics: Metrics;
  config: Config;
  /** Readiness checks (Temporal, PostgreSQL), reused by the self-check. */
  checks: Record<string, () => Promise<void>>;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerActions(app, deps);
  registerEvents(app, deps);
  registerCommands(app, deps);
  registerAlertWatcher(app, deps);
}
