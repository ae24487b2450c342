/**
 * openIncident: the index row, the alert, :eyes: and "Investigating…" in one activity. Slack posts are not
 * idempotent, so a retry after a failure part-way must find what was already posted (in the real index row, here on
 * embedded PostgreSQL) and post nothing twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createOpenIncidentActivity, type OpenedIncident, type OpenIncidentInput, type OpenIncidentParts } from '../../activities/open-incident.js';
import { createStoreActivities } from '../../activities/store.js';
import { createLogger } from '../../core/logger.js';
import { openDatabase, type Database } from '../../db/index.js';
import { crashLoopAlert } from '../fixtures/alerts.js';

const quietLogger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let db: Database;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-open-'));
  db = await openDatabase({ dataDir: dir, log: createLogger('t', 'silent') });
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The real store activities over the test database. */
const storeActivities = () => createStoreActivities({ sql: db.sql, approvers: [], approveAnyone: false });
/** The audit events an incident has, oldest first. */
const auditTypes = async (workflowId: string) => (await db.sql<{ type: string }[]>`
  select type from audit_events where workflow_id = ${workflowId} order by id`).map((e) => e.type);

/** Slack that records each call and fails the calls named in `failOnce` the first time they are made. */
function slackParts(failOnce: string[] = []) {
  const calls: { name: string; input: any }[] = [];
  let ts = 2000;
  const failed = new Set<string>();
  const call = <T>(name: string, result: () => T) => async (input: any): Promise<T> => {
    calls.push({ name, input });
    if (failOnce.includes(name) && !failed.has(name)) {
      failed.add(name);
      throw new Error(`Slack ${name} answered 503`);
    }
    return result();
  };
  return {
    calls,
    parts: {
      postAlert: call('postAlert', () => ({ channel: 'C0ALERTS', ts: `${ts++}.000100` })),
      addReaction: call('addReaction', () => undefined),
      postThreadMessage: call('postThreadMessage', () => ({ ts: `${ts++}.000300` })),
    },
  };
}

/** Runs openIncident as Temporal would: attempt after attempt until one succeeds. */
async function runWithRetries(parts: OpenIncidentParts, input: OpenIncidentInput): Promise<{ opened: OpenedIncident; attempts: number }> {
  const { openIncident } = createOpenIncidentActivity(parts);
  for (let attempt = 1; ; attempt += 1) {
    const env = new MockActivityEnvironment({ activityType: 'openIncident', attempt, scheduledTimestampMs: Date.now() }, { logger: quietLogger });
    try {
      return { opened: (await env.run(openIncident, input)) as OpenedIncident, attempts: attempt };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

const input = (overrides: Partial<OpenIncidentInput> = {}): OpenIncidentInput => {
  const alert = crashLoopAlert();
  return { workflowId: `incident-${alert.key}`, channel: 'C0ALERTS', alert, investigating: 'Investigating…', ...overrides };
};

const row = async (workflowId: string) => {
  const [r] = await db.sql`select status, channel, alert_ts, report_ts from incidents where workflow_id = ${workflowId}`;
  return r;
};

test('writes the index row, posts the alert, reacts and posts "Investigating…" in its thread', async () => {
  const slack = slackParts();
  const i = input();
  const { opened, attempts } = await runWithRetries({ ...slack.parts, ...storeActivities() }, i);
  expect(attempts).toBe(1);
  expect(slack.calls.map((c) => c.name)).toEqual(['postAlert', 'addReaction', 'postThreadMessage']);
  expect(slack.calls[2].input).toMatchObject({ channel: 'C0ALERTS', threadTs: opened.alertTs, text: 'Investigating…' });
  expect(await row(i.workflowId)).toEqual({ status: 'investigating', channel: 'C0ALERTS', alert_ts: opened.alertTs, report_ts: opened.progressTs });
  expect(await auditTypes(i.workflowId)).toEqual(['status.investigating']);
});

test.each([
  ['the reaction', ['addReaction'], ['postAlert', 'addReaction', 'addReaction', 'postThreadMessage']],
  ['"Investigating…"', ['postThreadMessage'], ['postAlert', 'addReaction', 'postThreadMessage', 'addReaction', 'postThreadMessage']],
  ['the alert itself', ['postAlert'], ['postAlert', 'postAlert', 'addReaction', 'postThreadMessage']],
])('a retry after Slack failed on %s posts each message once', async (_what, failOnce, expected) => {
  const slack = slackParts(failOnce);
  const i = input();
  const { opened, attempts } = await runWithRetries({ ...slack.parts, ...storeActivities() }, i);
  expect(attempts).toBe(2);
  expect(slack.calls.map((c) => c.name)).toEqual(expected);
  // Only the successful posts count: one alert, one thread message, and the row points at them.
  const posted = (name: string) => slack.calls.filter((c) => c.name === name).length - (failOnce.includes(name) ? 1 : 0);
  expect([posted('postAlert'), posted('postThreadMessage')]).toEqual([1, 1]);
  expect(await row(i.workflowId)).toMatchObject({ alert_ts: opened.alertTs, report_ts: opened.progressTs });
  // The retry did not write a second "investigating" audit event.
  expect(await auditTypes(i.workflowId)).toEqual(['status.investigating']);
});

test('an alert that already is a Slack message is not posted again; the thread goes under it', async () => {
  const slack = slackParts();
  const i = input();
  i.alert = { ...i.alert, slack: { teamId: 'T0TEAM', channel: 'C0MONITOR', ts: '1700.000001' } };
  const { opened } = await runWithRetries({ ...slack.parts, ...storeActivities() }, i);
  expect(slack.calls.map((c) => c.name)).toEqual(['addReaction', 'postThreadMessage']);
  expect(opened).toMatchObject({ channel: 'C0MONITOR', alertTs: '1700.000001' });
  expect(await row(i.workflowId)).toMatchObject({ channel: 'C0MONITOR', alert_ts: '1700.000001', report_ts: opened.progressTs });
});

test('an incident already in the index (a storm\'s) is not recorded again, and still posts once', async () => {
  const slack = slackParts();
  const i = input({ indexed: true });
  const store = storeActivities();
  await store.recordIncident({ workflowId: i.workflowId, alert: i.alert, status: 'investigating', channel: 'C0ALERTS', approvedBy: [], event: { type: 'status.investigating' } });
  const { opened } = await runWithRetries({ ...slack.parts, ...store }, i);
  expect(slack.calls.map((c) => c.name)).toEqual(['postAlert', 'addReaction', 'postThreadMessage']);
  expect(await row(i.workflowId)).toMatchObject({ alert_ts: opened.alertTs, report_ts: opened.progressTs });
  expect(await auditTypes(i.workflowId)).toEqual(['status.investigating']);
});

test('a failed write of a posted message\'s ts is tried again in place, so nothing is posted twice', async () => {
  const slack = slackParts();
  const i = input();
  const store = storeActivities();
  // The first write of each ts fails, as during a PostgreSQL blip.
  const failedOnce = new Set<string>();
  const flakyStore = {
    ...store,
    noteIncidentMessages: async (note: Parameters<typeof store.noteIncidentMessages>[0]) => {
      const which = note.alertTs ? 'alert' : 'report';
      if (!failedOnce.has(which)) {
        failedOnce.add(which);
        throw new Error('connection terminated');
      }
      return await store.noteIncidentMessages(note);
    },
  };
  const { opened, attempts } = await runWithRetries({ ...slack.parts, ...flakyStore }, i);
  expect([...failedOnce]).toEqual(['alert', 'report']);
  expect(attempts).toBe(1);
  expect(slack.calls.map((c) => c.name)).toEqual(['postAlert', 'addReaction', 'postThreadMessage']);
  expect(await row(i.workflowId)).toMatchObject({ alert_ts: opened.alertTs, report_ts: opened.progressTs });
});
