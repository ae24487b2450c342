import { log } from '@temporalio/activity';
import type { WebClient } from '@slack/web-api';
import type { Remediation } from '../core/diagnosis.js';
import { needsTwoApprovers, parsePolicy, policyRefusal, type StoredPolicy } from '../core/policy.js';
import type { SlackApi } from './slack.js';
import type { StoreDeps } from './store.js';

/** The one Slack method authorisation needs; worker clients are full WebClients and have it. */
export type UserGroupsApi = { usergroups: { users: Pick<WebClient['usergroups']['users'], 'list'> } };

export interface AuthorizeDeps extends Pick<StoreDeps, 'sql' | 'approvers' | 'approveAnyone'> {
  slackFor(teamId?: string): Promise<SlackApi | (SlackApi & UserGroupsApi) | UserGroupsApi>;
  /** How long a user group's members are trusted (default 60 s). */
  groupCacheMs?: number;
  /** A group lookup that takes longer is treated as failed (default 5 s). */
  groupLookupTimeoutMs?: number;
  now?: () => number;
  /** The deployment's policy (POLICY_* variables) for workspaces that have not saved their own in settings. */
  defaultPolicy?: StoredPolicy;
}

export interface AuthorizeInput {
  teamId?: string;
  userId: string;
  proposal: Remediation;
  /** Approvers who already approved this proposal. */
  approvedBy: string[];
  /** A rejection needs only an approver; policy and the second approver apply to approvals (default 'approve'). */
  decision?: 'approve' | 'reject';
}

/** `approvers` is who can approve, as Slack mentions; `reason` is the sentence the refused person sees. */
export type AuthorizeResult =
  | { allowed: true; needsAnotherApprover: boolean; approvers: string[] }
  | { allowed: false; reason: string; approvers: string[] };

const HOW_TO_SET = 'Set APPROVERS (Slack user or user-group IDs) or add approvers in Lookout\'s settings.';

/** `<@U…>` for people, `<!subteam^S…>` for user groups. */
export function approverMention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** Who may approve what: approvers (people and user groups), the workspace's policy and the second approver. */
export function createAuthorizeActivities(deps: AuthorizeDeps) {
  const { sql, approvers, approveAnyone, slackFor, groupCacheMs = 60_000, groupLookupTimeoutMs = 5_000, now = Date.now } = deps;
  const groups = new Map<string, { users: string[]; expires: number }>();

  /** A group's members, or why they could not be read; successes are cached per team and group. */
  async function groupMembers(teamId: string | undefined, group: string): Promise<{ users: string[] } | { problem: string }> {
    const key = `${teamId ?? ''}/${group}`;
    const hit = groups.get(key);
    if (hit && hit.expires > now()) return { users: hit.users };
    try {
      const client = await slackFor(teamId);
      if (!('usergroups' in client)) return { problem: 'this Slack client cannot read user groups' };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${groupLookupTimeoutMs} ms`)), groupLookupTimeoutMs);
      });
      const res = await Promise.race([client.usergroups.users.list({ usergroup: group }), timeout]).finally(() => clearTimeout(timer));
      const users = res.users ?? [];
      groups.set(key, { users, expires: now() + groupCacheMs });
      return { users };
    } catch (err) {
      const data = (err as { data?: { error?: string; needed?: string } }).data;
      log.warn('user group lookup failed', { teamId, group, error: data?.error ?? (err as Error).message });
      if (data?.error === 'missing_scope') return { problem: `Lookout lacks the \`${data.needed ?? 'usergroups:read'}\` scope: reinstall the app with the scopes in slack/manifest.yml` };
      return { problem: data?.error ?? (err as Error).message };
    }
  }

  return {
    async authorizeDecision(input: AuthorizeInput): Promise<AuthorizeResult> {
      const { teamId, userId, proposal } = input;
      const rows = teamId
        ? await sql<{ approvers: string[]; policy: unknown }[]>`select approvers, policy from workspace_settings where team_id = ${teamId}`
        : [];
      const entries = [...new Set([...approvers, ...(rows[0]?.approvers ?? [])])];
      const shown = entries.map(approverMention);
      const refuse = (reason: string): AuthorizeResult => ({ allowed: false, reason, approvers: shown });

      if (!approveAnyone && !entries.includes(userId)) {
        if (!entries.length) return refuse(`No approvers are configured. ${HOW_TO_SET}`);
        const lookups = await Promise.all(entries.filter((e) => e.startsWith('S')).map(async (group) => ({ group, ...(await groupMembers(teamId, group)) })));
        if (!lookups.some((l) => 'users' in l && l.users.includes(userId))) {
          const unreadable = lookups.flatMap((l) => ('problem' in l ? [`${approverMention(l.group)} (${l.problem})`] : []));
          const note = unreadable.length ? ` I could not read the members of ${unreadable.join(', ')}.` : '';
          return refuse(`Only approvers can decide on remediations: ${shown.join(', ')}.${note}`);
        }
      }
      if (input.decision === 'reject') return { allowed: true, needsAnotherApprover: false, approvers: shown };

      const stored = rows[0]?.policy;
      const saved = stored && typeof stored === 'object' && Object.keys(stored).length > 0;
      const parsed = parsePolicy(saved ? stored : deps.defaultPolicy);
      if (!parsed.ok) return refuse(`This workspace's remediation policy is invalid (${parsed.problems.join('; ')}); fix it in Lookout's settings.`);
      const rule = policyRefusal(parsed.policy, proposal);
      if (rule) return refuse(rule);

      const twoNeeded = needsTwoApprovers(parsed.policy, proposal);
      if (input.approvedBy.includes(userId)) {
        return refuse(twoNeeded
          ? `You already approved \`${proposal.action}\`; a destructive remediation needs a second, different approver: ${shown.join(', ') || 'anyone else'}.`
          : `You already approved \`${proposal.action}\`.`);
      }
      const needsAnotherApprover = twoNeeded && input.approvedBy.length === 0;
      return { allowed: true, needsAnotherApprover, approvers: shown };
    },
  };
}
