import { createAgentActivities } from './agent.js';
import { createAnalysisActivities } from './analysis.js';
import { createArgoCdActivities, type ArgoCdDeps } from './argocd.js';
import { createAuthorizeActivities, type AuthorizeDeps } from './authorize.js';
import { createDigestActivities } from './digest.js';
import { createKubernetesActivities, type KubernetesDeps } from './kubernetes.js';
import { createLlmActivities, type LlmDeps } from './llm.js';
import { createPrometheusActivities, type PrometheusDeps } from './prometheus.js';
import { createRemediationPreviewActivities } from './remediation-preview.js';
import { createRemediationActivities } from './remediation.js';
import { createSentryActivities, type SentryDeps } from './sentry.js';
import { createSlackActivities, type SlackDeps } from './slack.js';
import { createMetricChartActivity } from './metric-chart.js';
import { createOpenIncidentActivity } from './open-incident.js';
import { createLedger, createStoreActivities, type StoreDeps } from './store.js';
import { createStormActivities } from './storms.js';
import { createVerificationActivities } from './verification.js';

export type ActivityDeps = SlackDeps & KubernetesDeps & StoreDeps & PrometheusDeps & SentryDeps & ArgoCdDeps & Partial<LlmDeps>
  & Pick<AuthorizeDeps, 'defaultPolicy'>;

/** Every activity the workflows call, built over the clients worker/ creates once. */
export function createActivities(deps: ActivityDeps) {
  const slack = createSlackActivities(deps);
  const store = createStoreActivities(deps);
  const prometheus = createPrometheusActivities(deps);
  return {
    ...slack,
    ...createKubernetesActivities(deps),
    ...prometheus,
    ...createMetricChartActivity({ ...prometheus, ...slack }),
    ...createSentryActivities(deps),
    ...createArgoCdActivities(deps),
    ...createRemediationActivities({ ...deps, ledger: createLedger(deps.sql) }),
    ...createRemediationPreviewActivities(deps),
    ...createVerificationActivities(deps),
    ...store,
    ...createOpenIncidentActivity({ ...slack, ...store }),
    ...createAuthorizeActivities(deps),
    ...createAnalysisActivities(),
    ...createAgentActivities(deps),
    ...createLlmActivities({ ...deps, limits: deps.limits }),
    ...createDigestActivities(deps),
    ...createStormActivities(deps),
  };
}
