/** The three patch types the apiserver accepts for built-in kinds (server-side apply is not simulated). */
import { ApiError, badRequest } from './status.js';
import type { KubeObject } from './types.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

// patchMergeKey tags of the core/apps types, keyed by field name: enough for pod templates and metadata.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  resourceClaims: 'name',
};

const REJECTED = 'the server rejected our request due to an error in our request';

// Lists of scalars with patchStrategy=merge: a patch adds to them instead of replacing them.
const UNION_LISTS = new Set(['finalizers']);

/** Applies `patch` to a copy of `target` according to the request's Content-Type. */
export function applyPatch(contentType: string | undefined, target: KubeObject, patch: unknown): KubeObject {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === JSON_PATCH) {
    if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    return jsonPatch(structuredClone(target), patch) as KubeObject;
  }
  if (type !== MERGE_PATCH && type !== STRATEGIC_MERGE_PATCH) {
    const accepted = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH].join(', ');
    const message = `the body of the request was in an unknown format - accepted media types include: ${accepted}`;
    throw new ApiError(415, message);
  }
  if (!isObject(patch)) {
    const go = 'Go value of type map[string]interface {}';
    throw badRequest(`error decoding patch: json: cannot unmarshal ${typeName(patch)} into ${go}`);
  }
  const merged = type === MERGE_PATCH ? mergePatch(target, patch) : strategicMerge(target, patch);
  return structuredClone(merged) as KubeObject;
}

/** RFC 7386: objects merge recursively, null deletes, everything else (lists included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: KubeObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge: like a merge patch, but lists with a merge key merge item by item, with $patch directives. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') return strategicMerge(undefined, withoutKey(patch, '$patch'));
  const out: KubeObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // $setElementOrder/$retainKeys only reorder or prune; handled below or ignored
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(out[k], v, k);
    else if (isObject(v) && v.$patch === 'delete') delete out[k];
    else out[k] = strategicMerge(out[k], v);
  }
  for (const [k, v] of Object.entries(patch)) {
    const field = k.startsWith('$deleteFromPrimitiveList/') ? k.slice('$deleteFromPrimitiveList/'.length) : undefined;
    if (field && Array.isArray(out[field]) && Array.isArray(v)) {
      out[field] = out[field].filter((x: unknown) => !v.includes(x));
    }
  }
  return out;
}

function mergeList(original: unknown, patch: unknown[], field: string): unknown[] {
  if (UNION_LISTS.has(field)) return [...new Set([...(Array.isArray(original) ? original : []), ...patch])];
  const key = MERGE_KEYS[field];
  const plain = patch.filter((item) => !(isObject(item) && item.$patch));
  if (!key || patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return plain.map((item) => strategicMerge(undefined, item));
  }
  const out = Array.isArray(original) ? [...original] : [];
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`merging the list "${field}": it is not a list of maps`);
    const at = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMerge(out[at], item);
    else out.push(strategicMerge(undefined, item));
  }
  return out;
}

/** RFC 6902 over a document the caller owns. */
export function jsonPatch(doc: unknown, ops: unknown[]): unknown {
  let root = doc;
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`${REJECTED}: invalid JSON patch operation`);
    }
    const { op, path } = raw;
    if (op === 'add' || op === 'replace') root = put(root, path, structuredClone(raw.value), op);
    else if (op === 'remove') root = take(root, path).root;
    else if (op === 'move' || op === 'copy') {
      const value = structuredClone(read(root, String(raw.from), op));
      if (op === 'move') root = take(root, String(raw.from)).root;
      root = put(root, path, value, 'add');
    } else if (op === 'test') {
      if (JSON.stringify(read(root, path, op)) !== JSON.stringify(raw.value)) {
        throw new ApiError(422, `${REJECTED}: testing value ${path} failed: test failed`);
      }
    } else throw badRequest(`Unexpected kind: ${op}`);
  }
  return root;
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`${REJECTED}: invalid path "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function missing(op: string, path: string): ApiError {
  const why = `${op} operation does not apply: doc is missing path: "${path}": missing value`;
  return new ApiError(422, `${REJECTED}: ${why}`);
}

function parentOf(root: unknown, path: string, op: string): { parent: KubeObject | unknown[]; last: string } {
  const t = tokens(path);
  let cur: unknown = root;
  for (const part of t.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(part)] : isObject(cur) ? cur[part] : undefined;
    if (cur === undefined || cur === null || typeof cur !== 'object') throw missing(op, path);
  }
  if (cur === null || typeof cur !== 'object') throw missing(op, path);
  return { parent: cur as KubeObject | unknown[], last: t[t.length - 1] };
}

function read(root: unknown, path: string, op: string): unknown {
  if (path === '') return root;
  const { parent, last } = parentOf(root, path, op);
  const value = Array.isArray(parent) ? parent[Number(last)] : parent[last];
  if (value === undefined) throw missing(op, path);
  return value;
}

function put(root: unknown, path: string, value: unknown, op: 'add' | 'replace'): unknown {
  if (path === '') return value;
  const { parent, last } = parentOf(root, path, op);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    const end = op === 'replace' ? parent.length - 1 : parent.length;
    if (!Number.isInteger(i) || i < 0 || i > end) throw missing(op, path);
    parent.splice(i, op === 'replace' ? 1 : 0, value);
  } else {
    if (op === 'replace' && !Object.hasOwn(parent, last)) throw missing(op, path);
    parent[last] = value;
  }
  return root;
}

function take(root: unknown, path: string): { root: unknown } {
  const { parent, last } = parentOf(root, path, 'remove');
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw missing('remove', path);
    parent.splice(i, 1);
  } else {
    if (!Object.hasOwn(parent, last)) throw missing('remove', path);
    delete parent[last];
  }
  return { root };
}

export function isObject(v: unknown): v is KubeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutKey(o: KubeObject, key: string): KubeObject {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}
