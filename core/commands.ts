/** What a person asked Lookout for, from `/lookout ...`, `@Lookout ...` or a DM. Pure parsing, no Slack. */
export type Command =
  | { kind: 'diagnose'; namespace?: string; pod?: string; text: string }
  | { kind: 'status' }
  | { kind: 'remind'; delayMs: number; delayText: string; text: string }
  | { kind: 'approvers' }
  | { kind: 'test' }
  | { kind: 'help' }
  | { kind: 'invalid'; problem: string };

export const MAX_REMINDER_MS = 30 * 24 * 3600 * 1000;
const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
// Kubernetes names: DNS labels for namespaces, DNS subdomains for pods.
const namespaceName = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const podName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** '90s', '10m', '2h', '1d', '1h30m' to milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.toLowerCase().matchAll(/(\d+)\s*([smhdw])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text.toLowerCase().replace(/\s+/g, '')) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

export function parseCommand(input: string): Command {
  // Mentions arrive as '<@U0LOOKOUT> diagnose ...'; drop them.
  const text = input.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
  const [verb = '', ...rest] = text.split(/\s+/);
  const args = rest.join(' ').trim();
  switch (verb.toLowerCase()) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'status':
      return { kind: 'status' };
    case 'approvers':
      return { kind: 'approvers' };
    case 'test':
      return { kind: 'test' };
    case 'remind':
      return parseRemind(args);
    case 'diagnose':
      return parseDiagnose(args);
    default:
      return { kind: 'invalid', problem: `I don't know '${verb}'. Try \`diagnose <namespace>/<pod>\`, \`status\`, \`remind <duration> <text>\`, \`approvers\` or \`help\`.` };
  }
}

function parseDiagnose(args: string): Command {
  if (!args) return { kind: 'invalid', problem: 'Tell me what to diagnose: `diagnose <namespace>/<pod>` or a few words about the problem.' };
  const ref = /^([^\s/]+)\/([^\s/]+)$/.exec(args);
  if (!ref) return { kind: 'diagnose', text: args };
  const [, namespace, pod] = ref;
  if (!namespaceName.test(namespace)) return { kind: 'invalid', problem: `'${namespace}' is not a valid Kubernetes namespace name.` };
  if (!podName.test(pod)) return { kind: 'invalid', problem: `'${pod}' is not a valid Kubernetes pod name.` };
  return { kind: 'diagnose', namespace, pod, text: args };
}

function parseRemind(args: string): Command {
  const [delayText = '', ...words] = args.split(/\s+/);
  const text = words.join(' ').trim();
  const delayMs = parseDuration(delayText);
  if (!delayText || delayMs === undefined) {
    return { kind: 'invalid', problem: `I could not read '${delayText}' as a duration: use \`remind 30m check the rollout\` (s, m, h, d or w).` };
  }
  if (delayMs < 1000 || delayMs > MAX_REMINDER_MS) return { kind: 'invalid', problem: 'Reminders can be set from 1 second to 30 days ahead.' };
  if (!text) return { kind: 'invalid', problem: 'What should I remind you of? `remind 30m check the rollout`' };
  return { kind: 'remind', delayMs, delayText, text: text.slice(0, 2000) };
}

export const helpText = [
  '*Lookout* turns alerts into incidents with a diagnosis, approvals and remediation.',
  '• `/lookout diagnose <namespace>/<pod>`: investigate a pod now and post a report here',
  '• `/lookout diagnose <words>`: open an incident about something you noticed',
  '• `/lookout status`: open incidents in this channel, with their audit trails',
  '• `/lookout remind <duration> <text>`: a reminder posted back here (e.g. `remind 30m check the rollout`)',
  '• `/lookout approvers`: who can approve remediations',
  '• `@Lookout test`: check that Lookout is set up correctly',
].join('\n');
