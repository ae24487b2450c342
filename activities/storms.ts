import { ApplicationFailure } from '@temporalio/activity';
import type postgres from 'postgres';
import type { Alert } from '../core/alert.js';

export interface StormDeps {
  sql: postgres.Sql;
}

export interface JoinStormInput {
  /** From stormKey() in core/storm.ts. */
  key: string;
  workflowId: string;
  channel: string;
  alert: Alert;
  /** A storm with no new alert for this long is closed; the next alert of its key opens a new one. */
  windowMs: number;
}

export type JoinStormResult =
  | { role: 'leader' }
  /** `members` counts every alert in the storm so far, the leader's included. */
  | { role: 'member'; leaderWorkflowId: string; members: number };

interface StormRow {
  id: string;
  leader_workflow_id: string;
  members: number;
  expired: boolean;
}

function roleOf(storm: Pick<StormRow, 'leader_workflow_id' | 'members'>, workflowId: string): JoinStormResult {
  if (storm.leader_workflow_id === workflowId) return { role: 'leader' };
  return { role: 'member', leaderWorkflowId: storm.leader_workflow_id, members: storm.members };
}

export function createStormActivities({ sql }: StormDeps) {
  /** One attempt; undefined when another transaction opened the storm first and the caller should look again. */
  async function tryJoin(tx: postgres.TransactionSql, i: JoinStormInput): Promise<JoinStormResult | undefined> {
    // A retried activity finds the row its earlier attempt wrote, whichever storm of the key that was.
    const [earlier] = await tx<StormRow[]>`
      select s.leader_workflow_id, s.members from storm_members m join storms s on s.id = m.storm_id
      where m.storm_key = ${i.key} and m.workflow_id = ${i.workflowId}
      order by m.joined_at desc limit 1`;
    if (earlier) return roleOf(earlier, i.workflowId);

    // The row lock serialises joins of one key; everyone else waits here, then sees the count the last one left.
    const [open] = await tx<StormRow[]>`
      select id, leader_workflow_id, members,
             last_joined_at < now() - ${i.windowMs}::float8 * interval '1 millisecond' as expired
      from storms where key = ${i.key} and closed_at is null
      for update`;
    if (open && !open.expired) {
      const joined = await tx`
        insert into storm_members (storm_id, storm_key, workflow_id, alert)
        values (${open.id}, ${i.key}, ${i.workflowId}, ${tx.json(i.alert as never)})
        on conflict do nothing`;
      if (joined.count === 0) return roleOf(open, i.workflowId);
      const [storm] = await tx<StormRow[]>`
        update storms set members = members + 1, last_joined_at = now() where id = ${open.id}
        returning leader_workflow_id, members`;
      return roleOf(storm, i.workflowId);
    }
    if (open) await tx`update storms set closed_at = now() where id = ${open.id}`;

    // Waits for a concurrent opener to commit, then does nothing: the caller retries and joins its storm.
    const [opened] = await tx<{ id: string }[]>`
      insert into storms (key, channel, leader_workflow_id)
      values (${i.key}, ${i.channel}, ${i.workflowId})
      on conflict (key) where closed_at is null do nothing
      returning id`;
    if (!opened) return undefined;
    await tx`
      insert into storm_members (storm_id, storm_key, workflow_id, alert)
      values (${opened.id}, ${i.key}, ${i.workflowId}, ${tx.json(i.alert as never)})`;
    return { role: 'leader' };
  }

  return {
    /**
     * The first alert of a key (or the first after its storm went quiet for windowMs) leads; later ones are members,
     * each recorded once however often the activity is retried.
     */
    async joinStorm(i: JoinStormInput): Promise<JoinStormResult> {
      if (!(i.windowMs > 0)) throw ApplicationFailure.nonRetryable(`windowMs must be positive, got ${i.windowMs}`, 'InvalidInput');
      for (let attempt = 0; attempt < 5; attempt++) {
        const result = await sql.begin((tx) => tryJoin(tx, i));
        if (result) return result;
      }
      throw new Error(`storm ${i.key}: lost the race to open or join it five times`);
    },

    /** Ends the storm early (e.g. its leader resolved); the next alert of the key leads a new one. */
    async closeStorm({ key, leaderWorkflowId }: { key: string; leaderWorkflowId: string }): Promise<void> {
      await sql`
        update storms set closed_at = now()
        where key = ${key} and leader_workflow_id = ${leaderWorkflowId} and closed_at is null`;
    },
  };
}
