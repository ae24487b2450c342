import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import type { Database } from '../../db/index.js';
import { demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { SlackEmulator, type EmulatedMessage } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { createIncidentGateway } from '../../server/incidents.js';
import type { RunningWorker } from '../../worker/run.js';
import { installThroughBrowser } from '../support/oauth.js';
import { eventually, findButton, startApp } from '../support/stack.js';
import { unique } from '../support/temporal.js';
import { capture, resignedAction, sleep, temporalClient, type CapturedRequest } from './helpers.js';

// Who may approve, in OAuth mode with two installed workspaces. The incident belongs to T0SECOND (approver: alice);
// T0SANDBOX is another workspace (approver: carol). Forged payloads are signed with the real signing secret, the worst
// case: what a holder of the secret, or a Slack bug, could send. Nothing but T0SECOND's own approver may act.
const signingSecret = 'authz-signing-secret';
let dir: string;
let db: Database;
let slack: SlackEmulator;
let k8s: KubernetesTestServer;
let worker: RunningWorker;
let server: LookoutServer;
let taskQueue: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-authz-'));
  k8s = new KubernetesTestServer({ world: demoWorld() });
  await k8s.start();
  k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  slack = new SlackEmulator({
    signingSecret, botToken: 'xoxb-not-used-in-oauth-mode',
    oauth: { clientId: '1111.2222', clientSecret: 'authz-client-secret', teams: [{ id: 'T0SANDBOX', name: 'Lookout Sandbox' }, { id: 'T0SECOND', name: 'Second Team' }] },
  });
  await slack.start();
  const config = loadConfig({
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: (taskQueue = unique('authz')),
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl,
    SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'authz-client-secret', SLACK_STATE_SECRET: 'authz-state-secret',
    KUBECONFIG: path.join(dir, 'kubeconfig'), VERIFY_AFTER_MS: '0', STORM_WINDOW_MS: '0', POLICY_SECOND_APPROVER: 'false',
  });
  const log = createLogger('authz', 'silent');
  ({ db, worker, server } = await startApp(config, log, slack));
  for (const team of ['T0SECOND', 'T0SANDBOX']) expect((await install(team)).status).toBe(200);
  // T0SECOND's settings come first, so webhook alerts are routed to it.
  await db.sql`insert into workspace_settings (team_id, alert_channels, approvers) values ('T0SECOND', '{C0ALERTS}', '{U0ALICE}')`;
  await sleep(20);
  await db.sql`insert into workspace_settings (team_id, alert_channels, approvers) values ('T0SANDBOX', '{}', '{U0CAROL}')`;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.shutdown();
  await db?.close();
  await slack?.stop();
  await k8s?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const install = (team: string) => installThroughBrowser(server.url, team);

const mutations = () => k8s.mutations.filter((m) => !m.dryRun);
const refusals = async () => await db.sql<{ actor: string; team_id: string | null; workflow_id: string | null; reason: string | null }[]>`
  select actor, team_id, workflow_id, coalesce(detail->>'reason', outcome) as reason from audit_events where type = 'decision.refused' order by id`;

test('a non-approver, another workspace\'s approver and tampered payloads approve nothing; each refusal is recorded', async () => {
  const res = await fetch(`${server.url}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 60_000) })),
  });
  expect(res.status).toBe(202);
  const { results: [{ workflowId }] } = await res.json();
  const alert = await slack.waitFor(() => slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('KubePodCrashLooping')), 30_000);
  const report: EmulatedMessage = await slack.waitFor(() => slack.thread('C0ALERTS', alert.ts).find((m) => findButton(m, 'approve')), 30_000);
  const [{ team_id: incidentTeam }] = await db.sql`select team_id from incidents where workflow_id = ${workflowId}`;
  expect(incidentTeam).toBe('T0SECOND');
  // Before the index row exists, the listener asks the workflow; its answer names the workspace from the start input.
  const temporal = await temporalClient();
  try {
    expect(await createIncidentGateway(temporal.client, { taskQueue }).reportOf(workflowId)).toEqual({ channel: 'C0ALERTS', ts: report.ts, teamId: 'T0SECOND' });
  } finally {
    await temporal.close();
  }
  const approve = findButton(report, 'approve')!;
  const click = (userId: string) => capture(() => slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: approve, userId }));
  const asTeam = (team: string) => (p: any) => { p.team.id = team; p.user.team_id = team; };
  const expectRefusals = (n: number) => eventually(async () => ((await refusals()).length === n ? true : undefined), 20_000);

  // 1. Carol approves in T0SANDBOX; the button is on T0SECOND's report (a shared channel, say).
  const carol = await click('U0CAROL');
  expect(carol.response.status).toBe(200);
  await expectRefusals(1);

  // 2. Alice is T0SECOND's approver, but this payload says it comes from T0SANDBOX: the team is not hers to choose.
  const alice = await click('U0ALICE');
  expect(alice.response.status).toBe(200);
  await expectRefusals(2);

  // 3. Bob, in the incident's own workspace, is no approver: the workflow refuses him.
  expect((await resignedAction(carol.request, signingSecret, (p) => { asTeam('T0SECOND')(p); p.user.id = 'U0BOB'; })).status).toBe(200);
  await expectRefusals(3);

  // 4. A proposal that does not exist, from the right team and approver.
  const forged = (req: CapturedRequest, tamper: (p: any) => void) => resignedAction(req, signingSecret, (p) => { asTeam('T0SECOND')(p); tamper(p); });
  expect((await forged(alice.request, (p) => { p.actions[0].value = JSON.stringify({ workflowId, proposalId: 'p99' }); })).status).toBe(200);
  await expectRefusals(4);

  // 5. The right value, but on a message that is not the incident's report (its alert message).
  expect((await forged(alice.request, (p) => { p.container.message_ts = alert.ts; p.message.ts = alert.ts; })).status).toBe(200);
  await expectRefusals(5);

  // 6. A value naming another (here: a made-up) incident's workflow.
  expect((await forged(alice.request, (p) => { p.actions[0].value = JSON.stringify({ workflowId: 'incident-of-another-team', proposalId: 'p1' }); })).status).toBe(200);
  await expectRefusals(6);

  await sleep(1000);
  expect(mutations()).toEqual([]);
  const recorded = await refusals();
  expect(recorded.map((r) => [r.actor, r.team_id, r.reason])).toEqual([
    ['U0CAROL', 'T0SANDBOX', 'other_workspace'],
    ['U0ALICE', 'T0SANDBOX', 'other_workspace'],
    ['U0BOB', 'T0SECOND', 'Only approvers can decide on remediations: <@U0ALICE>.'],
    ['U0ALICE', 'T0SECOND', 'That proposal (p99) is not open on this incident.'],
    ['U0ALICE', 'T0SECOND', 'not_a_report'],
    ['U0ALICE', 'T0SECOND', 'not_a_report'],
  ]);
  // The people refused were told so privately.
  const told = slack.messages('C0ALERTS').filter((m) => m.ephemeralFor);
  expect(told.some((m) => m.ephemeralFor === 'U0BOB' && m.text.includes('<@U0ALICE>'))).toBe(true);
  const [{ status }] = await db.sql`select status from incidents where workflow_id = ${workflowId}`;
  expect(status).toBe('awaiting_approval');

  // The control: the same forging technique, with the incident's own team and approver, does act (once).
  expect((await forged(alice.request, () => undefined)).status).toBe(200);
  await eventually(async () => (mutations().length > 0 ? true : undefined), 30_000);
  await sleep(500);
  expect(mutations()).toEqual([expect.objectContaining({ verb: 'delete', kind: 'Pod', namespace: 'shop' })]);
}, 120_000);
