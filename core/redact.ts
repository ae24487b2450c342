/**
 * Removes secrets from text before it leaves a tool (logs, events, metric labels, API errors): each one becomes
 * `[redacted]` and the rest of the line stays as it was, so the evidence is still readable.
 */

export const REDACTED = '[redacted]';

/** Words that, ending a key name, mean its value is a secret: `DB_PASSWORD`, `client_secret`, `x-api-key`. */
const SECRET_KEY =
  '[A-Za-z0-9_.-]{0,48}?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|' +
  'secret[_-]?key|account[_-]?key|encryption[_-]?key|signing[_-]?key|credentials?|session[_-]?id|signature)';

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const whole = (): string => REDACTED;

/** Random-looking enough to be a credential, so that `Bearer authentication failed` stays as it is. */
const looksSecret = (value: string): boolean => /\d/.test(value) || value.length >= 24;

// Order matters: whole blocks and URLs first, then token formats, then key/value pairs.
const RULES: Rule[] = [
  {
    // PEM private keys, also inside JSON strings with escaped newlines, and truncated ones without their END line.
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|(?:(?:\\n|\s)+[A-Za-z0-9+/=]{16,})*)/g,
    replace: whole,
  },
  {
    // Credentials in URLs and connection strings: postgres://app:pw@db, redis://:pw@cache, https://x:token@host.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)[^\s@/"'<>]+@/gi,
    replace: (_m, prefix) => `${prefix}${REDACTED}@`,
  },
  {
    // A secret passed as the user part alone: https://ghp_...@github.com is caught below; this one is a Slack webhook.
    pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    replace: (_m, prefix) => `${prefix}${REDACTED}`,
  },
  { pattern: /\bxox[abposre]-[A-Za-z0-9-]{8,}/g, replace: whole },
  { pattern: /\bxapp-\d-[A-Za-z0-9-]{8,}/g, replace: whole },
  { pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, replace: whole },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, replace: whole },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g, replace: whole },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g, replace: whole },
  { pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g, replace: whole },
  { pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: whole },
  { pattern: /\bAIza[A-Za-z0-9_-]{35}\b/g, replace: whole },
  {
    // JWTs: base64url header and payload, both JSON objects ("eyJ" is `{"`).
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    replace: whole,
  },
  {
    // Authorization / Proxy-Authorization headers in any notation, keeping the scheme.
    pattern: /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|Token|Digest|Negotiate|ApiKey|AWS4-HMAC-SHA256)\s+)?([^\s"',;]+(?:[ ,][A-Za-z]+=[^\s"',;]+)*)/gi,
    replace: (_m, prefix, scheme) => `${prefix}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  {
    pattern: /\bBearer\s+([A-Za-z0-9._~+/-]{8,}=*)/g,
    replace: (m, token) => (looksSecret(token) ? `Bearer ${REDACTED}` : m),
  },
  {
    // Kubernetes env entries as JSON: {"name":"DB_PASSWORD","value":"hunter2"}.
    pattern: new RegExp(`("name"\\s*:\\s*"${SECRET_KEY}"\\s*,\\s*"value"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)"`, 'gi'),
    replace: (_m, prefix) => `${prefix}${REDACTED}"`,
  },
  {
    // ... and as YAML: `- name: DB_PASSWORD` followed by `value: hunter2`.
    pattern: new RegExp(`(name:\\s*["']?${SECRET_KEY}["']?\\s*\\n\\s*value:\\s*)("[^"\\n]*"|'[^'\\n]*'|[^\\s]+)`, 'gi'),
    replace: (_m, prefix, value) => `${prefix}${quoteLike(value)}`,
  },
  {
    // key=value, key: value, "key": "value", key="value", and CLI flags such as --password=x or --token x.
    pattern: new RegExp(
      `((?:^|[^A-Za-z0-9_])["']?${SECRET_KEY}["']?(?:\\s*[:=]\\s*|(?<=--[A-Za-z0-9-]*)\\s+))` +
        `(\\[redacted\\]|\\$\\{[^}\\s]*\\}|"(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s&,;"'<>)}\\]]+)`,
      'gi',
    ),
    // PWD=/srv/app is the shell's working directory, not a password.
    replace: (m, prefix, value) => (isPlaceholder(value) || (/pwd\s*=\s*$/i.test(prefix) && value.startsWith('/'))
      ? m
      : `${prefix}${quoteLike(value)}`),
  },
];

/** Keeps the quotes of a quoted value so JSON and YAML stay well-formed. */
function quoteLike(value: string): string {
  const q = value[0];
  return (q === '"' || q === "'") && value.endsWith(q) && value.length >= 2 ? `${q}${REDACTED}${q}` : REDACTED;
}

/** Values that carry no secret: empty, already redacted, null-ish, or a template reference. */
function isPlaceholder(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, '');
  return bare === '' || bare === REDACTED || /^(null|none|true|false|\*+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_]+)$/i.test(bare);
}

/** The text with every secret replaced by `[redacted]`; idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const { pattern, replace } of RULES) out = out.replace(pattern, replace as (m: string, ...g: string[]) => string);
  return out;
}

/** `redact` over every string in a JSON-like value (keys included), for whole tool results. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v)])) as T;
  }
  return value;
}
