/** The slice of apps/v1 Deployment validation a remediation can trip over: replicas, selector, containers. */
import { parseQuantity, QUANTITY_RULE } from './quantity.js';
import { matchesLabels, selectorRequirements } from './selectors.js';
import { badRequest, DEPLOYMENTS, invalid } from './status.js';
import { stableJson } from './names.js';
import type { KubeObject } from './types.js';

export function validateDeployment(d: KubeObject, before?: KubeObject): void {
  const name = String(d.metadata?.name ?? '');
  const fail: Fail = (field, detail, cause) => invalid('Deployment', DEPLOYMENTS, name, field, detail, cause);
  const replicas = d.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    if (!Number.isInteger(replicas)) {
      const go = 'Go struct field DeploymentSpec.spec.replicas of type int32';
      throw badRequest(`json: cannot unmarshal ${typeof replicas} into ${go}`);
    }
    throw fail('spec.replicas', `Invalid value: ${replicas}: must be greater than or equal to 0`);
  }
  if (before && stableJson(before.spec?.selector) !== stableJson(d.spec?.selector)) {
    throw fail('spec.selector', `Invalid value: ${goSelector(d.spec?.selector)}: field is immutable`);
  }
  const reqs = selectorRequirements(d.spec?.selector);
  if (!reqs.length) throw fail('spec.selector', 'Required value', 'FieldValueRequired');
  if (!matchesLabels(reqs, d.spec?.template?.metadata?.labels)) {
    const labels = goMap(d.spec?.template?.metadata?.labels);
    const detail = `Invalid value: ${labels}: \`selector\` does not match template \`labels\``;
    throw fail('spec.template.metadata.labels', detail);
  }
  const containers: KubeObject[] = d.spec?.template?.spec?.containers ?? [];
  if (!containers.length) throw fail('spec.template.spec.containers', 'Required value', 'FieldValueRequired');
  containers.forEach((c, i) => validateContainer(c, `spec.template.spec.containers[${i}]`, fail));
}

type Fail = (field: string, detail: string, cause?: string) => Error;

function validateContainer(c: KubeObject, at: string, fail: Fail): void {
  if (!c.name) throw fail(`${at}.name`, 'Required value', 'FieldValueRequired');
  if (!c.image) throw fail(`${at}.image`, 'Required value', 'FieldValueRequired');
  const requests: Record<string, unknown> = c.resources?.requests ?? {};
  const limits: Record<string, unknown> = c.resources?.limits ?? {};
  // The apiserver cannot even decode a malformed quantity, hence 400 rather than 422.
  for (const q of [...Object.values(requests), ...Object.values(limits)]) {
    if (parseQuantity(q) === undefined) throw badRequest(QUANTITY_RULE);
  }
  for (const [resource, limit] of Object.entries(limits)) {
    const request = requests[resource];
    if (request !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
      const detail = `Invalid value: "${request}": must be less than or equal to ${resource} limit of ${limit}`;
      throw fail(`${at}.resources.requests`, detail);
    }
  }
}

/** Go's %#v of a map[string]string, which is how field errors print label maps. */
function goMap(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {}).map(([k, v]) => `"${k}":"${v}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goSelector(s: KubeObject | undefined): string {
  return `v1.LabelSelector{MatchLabels:${goMap(s?.matchLabels)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}
