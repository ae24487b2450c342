/** The apiserver's `Status` failure objects, thrown as ApiError by handlers and serialised by the router. */

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field: string }[];
  retryAfterSeconds?: number;
}

/** A resource as the apiserver names it in messages: `pods`, `deployments.apps`. */
export interface Resource {
  resource: string;
  group: string;
}

export const PODS: Resource = { resource: 'pods', group: '' };
export const EVENTS: Resource = { resource: 'events', group: '' };
export const NAMESPACES: Resource = { resource: 'namespaces', group: '' };
export const NODES: Resource = { resource: 'nodes', group: '' };
export const DEPLOYMENTS: Resource = { resource: 'deployments', group: 'apps' };
export const REPLICASETS: Resource = { resource: 'replicasets', group: 'apps' };
export const POD_METRICS: Resource = { resource: 'pods', group: 'metrics.k8s.io' };

export function qualified(r: Resource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export class ApiError extends Error {
  readonly reason: string;
  constructor(
    readonly code: number,
    message: string,
    readonly details?: StatusDetails,
    reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.reason = reason ?? REASONS[code] ?? 'Unknown';
  }

  toStatus(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) body.details = this.details;
    body.code = this.code;
    return body;
  }
}

export function notFound(r: Resource, name: string): ApiError {
  return new ApiError(404, `${qualified(r)} "${name}" not found`, details(r, name));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

export function conflict(r: Resource, name: string, why: string): ApiError {
  return new ApiError(409, `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name));
}

export function stale(r: Resource, name: string): ApiError {
  const why = 'the object has been modified; please apply your changes to the latest version and try again';
  return conflict(r, name, why);
}

/** 422 with one cause, worded like apimachinery's field.Error. */
export function invalid(
  kind: string,
  r: Resource,
  name: string,
  field: string,
  detail: string,
  cause = 'FieldValueInvalid',
): ApiError {
  const group = r.group ? `.${r.group}` : '';
  const d: StatusDetails = { ...details(r, name), kind, causes: [{ reason: cause, message: detail, field }] };
  return new ApiError(422, `${kind}${group} "${name}" is invalid: ${field}: ${detail}`, d);
}

export function notAllowed(): ApiError {
  return new ApiError(405, 'the server does not allow this method on the requested resource', {});
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'the server could not find the requested resource', {});
}

/** The RBAC view of a request: verb, resource, optional subresource, name and namespace. */
export interface RequestInfo {
  verb: string;
  resource: string;
  subresource?: string;
  group: string;
  name?: string;
  namespace?: string;
}

/** What failNext injects: a plausible message for the status, naming the request it refused. */
export function injected(status: number, user: string, req: RequestInfo): ApiError {
  const r = { resource: req.resource, group: req.group };
  if (status === 403) {
    const subject = req.name ? `${qualified(r)} "${req.name}"` : qualified(r);
    const scope = req.namespace ? ` in the namespace "${req.namespace}"` : ' at the cluster scope';
    const full = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    const what = `cannot ${req.verb} resource "${full}" in API group "${req.group}"${scope}`;
    return new ApiError(403, `${subject} is forbidden: User "${user}" ${what}`, details(r, req.name ?? ''));
  }
  if (status === 404 && req.name) return notFound(r, req.name);
  if (status === 409 && req.name) return stale(r, req.name);
  if (status === 401) return new ApiError(401, 'Unauthorized');
  if (status === 429) return new ApiError(429, 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
  if (status === 503) return new ApiError(503, 'the server is currently unable to handle the request', {});
  if (status === 504) return new ApiError(504, 'the server was unable to return a response in the time allotted', {});
  return new ApiError(status, `Internal error occurred: injected failure for ${req.verb} ${qualified(r)}`, {});
}

function details(r: Resource, name: string): StatusDetails {
  return r.group ? { name, group: r.group, kind: r.resource } : { name, kind: r.resource };
}

export function alreadyExists(r: Resource, name: string): ApiError {
  return new ApiError(409, `${qualified(r)} "${name}" already exists`, details(r, name), 'AlreadyExists');
}
