import { WebClient } from '@slack/web-api';
import { signSlackRequest } from '../../sandbox/slack/signature.js';
import { amCustomTemplate } from '../fixtures/slack/alertmanager.js';
import { eventually, findButton, startStack, type Stack } from '../support/stack.js';
import { sampleWebhook } from '../../sandbox/samples.js';

// The Slack app a team lives with, driven only through signed requests the emulator sends, as Slack would.
let stack: Stack;
const MONITOR_BOT = 'B0ALERTMGR';

beforeAll(async () => {
  stack = await startStack({
    env: { ALERT_CHANNELS: 'C0ALERTS,C0QUIET', SLACK_CHANNEL_PACE_MS: '0' },
    slackOptions: {
      channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0QUIET', name: 'quiet', isMember: false }, { id: 'C0RANDOM', name: 'random' },
        { id: 'G0SECRET', name: 'secret', isPrivate: true, isMember: false }],
      botScopes: ['chat:write', 'chat:write.public', 'commands', 'im:write', 'im:read', 'im:history', 'files:write', 'channels:read',
        'groups:read', 'channels:history', 'groups:history', 'users:read', 'users:read.email', 'reactions:read', 'reactions:write'],
    },
  });
}, 120_000);
afterAll(async () => { await stack?.close(); });

const reportsIn = (channel: string, threadTs: string) => stack.slack.thread(channel, threadTs).filter((m) => m.text.startsWith('Diagnosis for'));
const incidentsIn = async (channel: string) => (await stack.db.sql`select workflow_id, status from incidents where channel = ${channel}`);

/** The message event Slack delivers for a monitoring bot's post, so the same post can be delivered again. */
function botEvent(message: { ts: string; text: string; attachments?: unknown[] }) {
  return { type: 'message', subtype: 'bot_message', bot_id: MONITOR_BOT, username: 'alertmanager', channel: 'C0ALERTS',
    channel_type: 'channel', team: 'T0SANDBOX', event_ts: message.ts, ...message };
}

test('an Alertmanager notification in a watched channel opens one incident per alert, threaded under it; retries open nothing', async () => {
  const fixture = amCustomTemplate('firing', undefined, 2);
  const { ts } = await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: fixture.text ?? '', botId: MONITOR_BOT, attachments: fixture.attachments });
  await stack.slack.waitFor(() => reportsIn('C0ALERTS', ts).length === 2 || undefined, 30_000);
  const original = stack.slack.messages('C0ALERTS').find((m) => m.ts === ts)!;
  await stack.slack.waitFor(() => original.reactions.some((r) => r.name === 'eyes'));
  // The demo cluster has the first pod (crash-looping) but not the second, and each report says so.
  expect(reportsIn('C0ALERTS', ts).map((m) => m.text.split('.')[0]).sort()).toEqual([
    'Diagnosis for KubePodCrashLooping: CrashLoopBackOff', 'Diagnosis for KubePodCrashLooping: Unknown',
  ]);

  // Slack retrying the event, and the same event_id delivered twice, change nothing.
  const event = botEvent({ ts, text: fixture.text ?? '', attachments: fixture.attachments });
  expect((await stack.slack.sendEvent(event, { retryNum: 1, eventId: 'Ev0RETRY' })).status).toBe(200);
  expect((await stack.slack.sendEvent(event, { retryNum: 2, eventId: 'Ev0RETRY' })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1500));
  expect(reportsIn('C0ALERTS', ts)).toHaveLength(2);
  const ids = (await incidentsIn('C0ALERTS')).map((r) => r.workflow_id).filter((id: string) => id.includes(ts));
  expect(ids.sort()).toEqual([`incident-slack-T0SANDBOX-C0ALERTS-${ts}-1`, `incident-slack-T0SANDBOX-C0ALERTS-${ts}-2`]);

  // The [RESOLVED] notification resolves both open incidents.
  const resolved = amCustomTemplate('resolved', undefined, 2);
  await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: resolved.text ?? '', botId: MONITOR_BOT, attachments: resolved.attachments });
  await eventually(async () => {
    const rows = await stack.db.sql`select status from incidents where workflow_id in ${stack.db.sql(ids)}`;
    return rows.every((r) => r.status === 'resolved') ? rows : undefined;
  }, 30_000);
  expect(stack.slack.thread('C0ALERTS', ts).filter((m) => m.text.includes('resolved at'))).toHaveLength(2);
});

test('people chatting, thread replies, unwatched channels and Lookout\'s own posts start nothing', async () => {
  const before = (await stack.db.sql`select count(*)::int as n from incidents`)[0].n;
  await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: 'anyone seen the error rate dashboard? CRITICAL?', userId: 'U0BOB' });
  const { ts } = await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: 'CRITICAL: disk full on node-3', botId: 'B0NAGIOS' });
  await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: 'CRITICAL: still full', botId: 'B0NAGIOS', threadTs: ts });
  await stack.slack.postUserMessage({ channel: 'C0RANDOM', text: 'CRITICAL: disk full on node-9', botId: 'B0NAGIOS' });
  await stack.slack.waitFor(() => reportsIn('C0ALERTS', ts).length === 1 || stack.slack.thread('C0ALERTS', ts).some((m) => m.text.startsWith('Diagnosis')) || undefined, 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  // Only the bot's CRITICAL post in a watched channel became an incident; Lookout's own report in that thread did not.
  expect((await stack.db.sql`select count(*)::int as n from incidents`)[0].n).toBe(before + 1);
});

test('/lookout commands answer privately: help, approvers, a bad command, remind, diagnose and status', async () => {
  const ephemeral = () => stack.slack.messages('C0ALERTS').filter((m) => m.ephemeralFor === 'U0ALICE');
  const ask = async (text: string) => {
    const seen = ephemeral().length;
    expect((await stack.slack.runSlashCommand({ channel: 'C0ALERTS', userId: 'U0ALICE', text })).status).toBe(200);
    return (await stack.slack.waitFor(() => ephemeral().length > seen && ephemeral().at(-1), 20_000)).text;
  };
  expect(await ask('help')).toContain('/lookout diagnose <namespace>/<pod>');
  expect(await ask('approvers')).toBe('Approvers: <@U0ALICE>');
  expect(await ask('frobnicate')).toContain("I don't know 'frobnicate'");
  expect(await ask('remind 40d x')).toContain('from 1 second to 30 days');

  expect(await ask('remind 2s look at the rollout')).toContain('OK, I will remind you in 2s');
  const reminder = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => m.text.includes('Reminder for <@U0ALICE>: look at the rollout')), 20_000);
  expect(reminder.ephemeralFor).toBeUndefined();

  stack.k8s.load((await import('../../sandbox/kubernetes/demo-world.js')).demoWorld());
  expect(await ask('diagnose shop/cart-7d9f8b6c5-x2k4p')).toContain('Diagnosing `shop/cart-7d9f8b6c5-x2k4p`');
  const request = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('Diagnosis requested by <@U0ALICE>')), 20_000);
  await stack.slack.waitFor(() => reportsIn('C0ALERTS', request.ts)[0], 30_000);
  await eventually(async () => (await stack.db.sql`select 1 from incidents where alert_ts = ${request.ts} and status = 'awaiting_approval'`)[0]);
  const status = await ask('status');
  expect(status).toMatch(/open incidents? in this channel/);
  expect(status).toContain('*ManualDiagnosis* (info, shop): awaiting approval');
  expect(status).toContain('audit trail>');
});

test('asking for a diagnosis where Lookout cannot post says how to fix it, and starts nothing', async () => {
  const before = (await stack.db.sql`select count(*)::int as n from incidents`)[0].n;
  await stack.slack.runSlashCommand({ channel: 'G0SECRET', userId: 'U0ALICE', text: 'diagnose shop/cart-7d9f8b6c5-x2k4p' });
  const reply = await stack.slack.waitFor(() => stack.slack.messages('G0SECRET').find((m) => m.ephemeralFor === 'U0ALICE'), 20_000);
  expect(reply.text).toContain('invite me with `/invite @Lookout`');
  expect((await stack.db.sql`select count(*)::int as n from incidents`)[0].n).toBe(before);
});

test('@Lookout test reports what works and names what to fix', async () => {
  const { ts } = await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: '<@U0LOOKOUT> test', userId: 'U0BOB' });
  await stack.slack.sendEvent({ type: 'app_mention', user: 'U0BOB', text: '<@U0LOOKOUT> test', ts, channel: 'C0ALERTS', event_ts: ts });
  const reply = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', ts).find((m) => m.text.includes('self-check')), 20_000);
  expect(reply.text).toContain('Bot token valid');
  expect(reply.text).toContain('Missing scopes: `usergroups:read`');
  expect(reply.text).toContain('Member of #alerts');
  expect(reply.text).toContain('Not a member of #quiet: invite @Lookout with /invite @Lookout');
  expect(reply.text).toContain(':white_check_mark: Temporal answers');
  expect(reply.text).toContain(':white_check_mark: PostgreSQL answers');
  expect(reply.text).toContain(':white_check_mark: Prometheus configured');
  expect(reply.text).toContain('LLM not configured (set ANTHROPIC_API_KEY');
  expect(reply.text).toMatch(/2 problems to fix/);
});

test('a DM to the bot is a command too', async () => {
  const web = new WebClient(stack.config.slack.botToken, { slackApiUrl: stack.slack.apiUrl });
  const dm = (await web.conversations.open({ users: 'U0BOB' })).channel!.id!;
  await stack.slack.postUserMessage({ channel: dm, text: 'approvers', userId: 'U0BOB' });
  const reply = await stack.slack.waitFor(() => stack.slack.messages(dm).find((m) => m.user === 'U0LOOKOUT'), 20_000);
  expect(reply.text).toBe('Approvers: <@U0ALICE>');
});

test('other reactions on a report are stored as feedback; long logs are attached to the thread', async () => {
  const res = await stack.post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 300_000) }));
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => JSON.stringify(m.blocks ?? []).includes(workflowId) && findButton(m, 'approve')), 30_000);
  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: '+1', userId: 'U0BOB' });
  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'confused', userId: 'U0CAROL' });
  const rows = await eventually(async () => {
    const r = await stack.db.sql`select user_id, reaction, sentiment from report_feedback where workflow_id = ${workflowId} order by user_id`;
    return r.length === 2 ? r : undefined;
  });
  expect(rows.map((r) => ({ ...r }))).toEqual([
    { user_id: 'U0BOB', reaction: '+1', sentiment: 'useful' },
    { user_id: 'U0CAROL', reaction: 'confused', sentiment: 'not_useful' },
  ]);
  const files = await stack.slack.waitFor(() => {
    const found = stack.slack.thread('C0ALERTS', report.threadTs!).flatMap((m) => m.files ?? []).filter((f) => f.name?.endsWith('.log'));
    return found.length === 2 && found;
  }, 20_000);
  expect(files.map((f) => f.name).sort()).toEqual(['cart-7d9f8b6c5-x2k4p-cart-previous.log', 'cart-7d9f8b6c5-x2k4p-cart.log']);
});

test('Slack answering 429 delays messages; every one still arrives exactly once', async () => {
  stack.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 3);
  const started = Date.now();
  const res = await stack.post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 400_000) }));
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => JSON.stringify(m.blocks ?? []).includes(workflowId) && findButton(m, 'approve')), 40_000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  const alerts = stack.slack.messages('C0ALERTS').filter((m) => m.ts === report.threadTs);
  expect(alerts).toHaveLength(1);
  expect(stack.slack.thread('C0ALERTS', report.threadTs!).filter((m) => findButton(m, 'approve'))).toHaveLength(1);
  expect(stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length).toBeGreaterThanOrEqual(5);
});

test('an edit that turns a notification into [RESOLVED] resolves its incident; a deletion does nothing', async () => {
  const firing = amCustomTemplate('firing', undefined, 1);
  const { ts } = await stack.slack.postUserMessage({ channel: 'C0ALERTS', text: firing.text ?? '', botId: MONITOR_BOT, attachments: firing.attachments });
  const workflowId = `incident-slack-T0SANDBOX-C0ALERTS-${ts}`;
  await eventually(async () => (await stack.db.sql`select 1 from incidents where workflow_id = ${workflowId} and status = 'awaiting_approval'`)[0]);
  await stack.slack.sendEvent({ type: 'message', subtype: 'message_deleted', channel: 'C0ALERTS', ts: `${Date.now() / 1000}`, deleted_ts: '1.1', hidden: true });
  const resolved = amCustomTemplate('resolved', undefined, 1);
  await stack.slack.sendEvent({
    type: 'message', subtype: 'message_changed', channel: 'C0ALERTS', hidden: true, ts: `${(Date.now() / 1000).toFixed(6)}`,
    message: { ...botEvent({ ts, text: resolved.text ?? '', attachments: resolved.attachments }), edited: { user: MONITOR_BOT, ts: `${Date.now() / 1000}` } },
    previous_message: botEvent({ ts, text: firing.text ?? '', attachments: firing.attachments }),
  });
  const row = await eventually(async () => (await stack.db.sql`select status from incidents where workflow_id = ${workflowId} and status = 'resolved'`)[0], 30_000);
  expect(row.status).toBe('resolved');
});

test('a ❌ reaction by an approver rejects the incident without touching the cluster', async () => {
  stack.k8s.load((await import('../../sandbox/kubernetes/demo-world.js')).demoWorld());
  const deletes = () => stack.k8s.mutations.filter((m) => m.verb === 'delete' && !m.dryRun).length;
  const before = deletes();
  const res = await stack.post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 500_000) }));
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => JSON.stringify(m.blocks ?? []).includes(workflowId) && findButton(m, 'approve')), 30_000);
  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'x', userId: 'U0ALICE' });
  await eventually(async () => (await stack.db.sql`select 1 from incidents where workflow_id = ${workflowId} and status = 'rejected'`)[0]);
  expect(JSON.stringify(report.blocks)).toContain('Rejected by <@U0ALICE>');
  expect(deletes()).toBe(before);
});

test('Slack requests with a missing signature or a stale timestamp get 401 and start nothing', async () => {
  const before = (await stack.db.sql`select count(*)::int as n from incidents`)[0].n;
  const body = JSON.stringify({ type: 'event_callback', team_id: 'T0SANDBOX', event: botEvent({ ts: '1700000000.000100', text: 'CRITICAL: forged' }) });
  const send = (headers: Record<string, string>) => fetch(`${stack.server.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  expect((await send({})).status).toBe(401);
  const stale = Math.floor(Date.now() / 1000) - 6 * 60;
  expect((await send({ 'x-slack-request-timestamp': String(stale), 'x-slack-signature': signSlackRequest(stack.config.slack.signingSecret!, stale, body) })).status).toBe(401);
  const fresh = Math.floor(Date.now() / 1000);
  expect((await send({ 'x-slack-request-timestamp': String(fresh), 'x-slack-signature': signSlackRequest('wrong-secret', fresh, body) })).status).toBe(401);
  await new Promise((r) => setTimeout(r, 500));
  expect((await stack.db.sql`select count(*)::int as n from incidents`)[0].n).toBe(before);
});
