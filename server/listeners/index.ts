import type { App } from '@slack/bolt';
import type { Metrics } from '../../core/metrics.js';
import type { IncidentGateway } from '../incidents.js';
import type { ServerStore } from '../store.js';
import { registerActions } from './actions.js';
import { registerEvents } from './events.js';

export interface ListenerDeps {
  incidents: IncidentGateway;
  store: Pick<ServerStore, 'findIncidentByReport'>;
  metrics: Metrics;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerActions(app, deps);
  registerEvents(app, deps);
}
