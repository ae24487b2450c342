/** Label and field selectors, parsed and matched the way the apiserver does for the subset Lookout sends. */
import { badRequest } from './status.js';
import type { Kind, KubeObject } from './types.js';

export type Operator = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

const KEY = '[A-Za-z0-9][-A-Za-z0-9_./]*';
const VALUE = '[-A-Za-z0-9_.]*';

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`; an empty or missing selector matches everything. */
export function parseLabelSelector(selector: string | null | undefined): Requirement[] {
  if (!selector?.trim()) return [];
  return splitTopLevel(selector).map((raw) => {
    const term = raw.trim();
    let m = new RegExp(`^!\\s*(${KEY})$`).exec(term);
    if (m) return { key: m[1], op: 'notexists', values: [] };
    m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(term);
    if (m) return { key: m[1], op: m[2] as Operator, values: m[3].split(',').map((v) => v.trim()) };
    m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(term);
    if (m) return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]] };
    m = new RegExp(`^(${KEY})$`).exec(term);
    if (m) return { key: m[1], op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${term}', expected: key, '!', '=', '!=', 'in' or 'notin'`);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'eq':
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'neq':
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** A workload's `spec.selector` (matchLabels plus matchExpressions) as requirements. */
export function selectorRequirements(selector: KubeObject | undefined): Requirement[] {
  const reqs: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'eq' as const,
    values: [String(v)],
  }));
  for (const e of selector?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[e.operator as 'In'];
    if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** The string form the Scale subresource reports in `status.selector`. */
export function selectorString(selector: KubeObject | undefined): string {
  return selectorRequirements(selector)
    .map((r) => {
      if (r.op === 'eq') return `${r.key}=${r.values[0]}`;
      if (r.op === 'exists') return r.key;
      if (r.op === 'notexists') return `!${r.key}`;
      return `${r.key} ${r.op} (${r.values.join(',')})`;
    })
    .join(',');
}

const FIELDS: Record<Kind, string[]> = {
  Pod: [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Event: [
    'metadata.name',
    'metadata.namespace',
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Deployment: ['metadata.name', 'metadata.namespace'],
  ReplicaSet: ['metadata.name', 'metadata.namespace', 'status.replicas'],
  // Cluster-scoped: no metadata.namespace.
  Node: ['metadata.name', 'spec.unschedulable'],
};

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

/** Parses `a=b,c==d,e!=f`, rejecting fields the apiserver does not index for the kind. */
export function parseFieldSelector(kind: Kind, selector: string | null | undefined): FieldRequirement[] {
  if (!selector?.trim()) return [];
  return selector.split(',').map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    if (!FIELDS[kind].includes(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
    return { field: m[1], negate: m[2] === '!=', value: m[3] };
  });
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

function fieldValue(obj: KubeObject, field: string): string {
  if (field === 'source') return String(obj.source?.component ?? obj.reportingComponent ?? '');
  if (field === 'spec.hostNetwork') return String(obj.spec?.hostNetwork ?? false);
  if (field === 'spec.unschedulable') return String(obj.spec?.unschedulable ?? false);
  let v: unknown = obj;
  for (const part of field.split('.')) v = (v as KubeObject | undefined)?.[part];
  return v === undefined || v === null ? '' : String(v);
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
