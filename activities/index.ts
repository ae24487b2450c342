import { createAnalysisActivities } from './analysis.js';
import { createKubernetesActivities, type KubernetesDeps } from './kubernetes.js';
import { createRemediationActivities } from './remediation.js';
import { createSlackActivities, type SlackDeps } from './slack.js';
import { createLedger, createStoreActivities, type StoreDeps } from './store.js';

export type ActivityDeps = SlackDeps & KubernetesDeps & StoreDeps;

/** Every activity the workflows call, built over the clients worker/ creates once. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSlackActivities(deps),
    ...createKubernetesActivities(deps),
    ...createRemediationActivities({ ...deps, ledger: createLedger(deps.sql) }),
    ...createStoreActivities(deps),
    ...createAnalysisActivities(),
  };
}
