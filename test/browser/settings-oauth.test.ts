import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack.js';
import { firstLoadBytes, launch, shot } from './browser.js';

// The settings page in OAuth mode, in real headless Chromium against the whole stack: Connect Slack (OAuth install),
// Sign in with Slack (OpenID Connect), channels, routing, a test notification, validation, CSRF, workspace isolation
// and Disconnect. Each step leaves a screenshot in test/artifacts/browser/.
let stack: Stack;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
const started = Date.now();

const CLIENT = { clientId: '1111.2222', clientSecret: 'browser-client-secret' };

beforeAll(async () => {
  stack = await startStack({
    env: { SLACK_BOT_TOKEN: '', ALERTS_CHANNEL: '', SLACK_CLIENT_ID: CLIENT.clientId, SLACK_CLIENT_SECRET: CLIENT.clientSecret, SLACK_STATE_SECRET: 'browser-state' },
    slackOptions: {
      oauth: { ...CLIENT, teams: [{ id: 'T0SANDBOX', name: 'Lookout Sandbox' }, { id: 'T0OTHER', name: 'Other Team' }] },
      users: [
        { id: 'U0ALICE', name: 'alice', realName: 'Alice Archer', isAdmin: true },
        { id: 'U0BOB', name: 'bob', realName: 'Bob Baker' },
        { id: 'U0OLGA', name: 'olga', realName: 'Olga Owner', isOwner: true },
      ],
      channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0OPS', name: 'ops', isMember: false }],
    },
  });
  // More channels than one conversations.list page holds, so the page must follow the cursor.
  stack.slack.addChannels(230, { prefix: 'team' });
  browser = await launch();
  admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await admin.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  console.log(`settings browser tests (OAuth): ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const url = (p = '/') => `${stack.server.url}${p}`;
const rows = async (table: string, teamId: string) =>
  Number((await stack.db.sql.unsafe(`select count(*) as n from ${table} where team_id = $1`, [teamId]))[0].n);

/** The browser's own flow: Connect Slack, the emulator's consent page for `team`, back to /slack/oauth_redirect. */
async function connect(p: Page, teamName: string) {
  await p.goto(url('/'));
  await p.getByRole('link', { name: 'Connect Slack' }).click();
  await p.getByRole('link', { name: `Allow in ${teamName}` }).click();
  await p.getByText(`Lookout is installed in the ${teamName} workspace`).waitFor();
}

async function signIn(p: Page, user: string, team?: string) {
  stack.slack.oidc.signInAs(user);
  await p.goto(url(`/settings/signin${team ? `?team=${team}` : ''}`));
}

test('Connect Slack, then Sign in with Slack as an admin; a non-admin is refused', async () => {
  const signedOut = await firstLoadBytes(page, url('/'));
  console.log(`signed-out page first load: ${signedOut.bytes} bytes in ${signedOut.requests} request(s)`);
  await expect(page.getByRole('heading', { name: 'What Connect Slack grants' }).isVisible()).resolves.toBe(true);
  await shot(page, '01-signed-out-oauth');
  await connect(page, 'Lookout Sandbox');
  await shot(page, '02-installed');

  const other = await browser.newContext();
  const bobPage = await other.newPage();
  await signIn(bobPage, 'U0BOB');
  await bobPage.getByText('Only workspace admins and owners').waitFor();
  await other.close();

  await signIn(page, 'U0ALICE');
  await page.getByText('Signed in.').waitFor();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Slack', exact: true }) });
  await expect(card.textContent()).resolves.toMatch(/Lookout Sandbox.*T0SANDBOX/s);
  await expect(card.textContent()).resolves.toContain('Connected');
  await expect(card.textContent()).resolves.toContain('Nothing missing.');
  await expect(card.textContent()).resolves.toContain('Signed in as Alice Archer');
  // Every page of conversations.list: the 230th channel is there.
  await expect(page.locator('#chlist li').count()).resolves.toBe(232);
  await shot(page, '03-signed-in');
  const weight = await firstLoadBytes(page, url('/'));
  console.log(`settings page first load: ${weight.bytes} bytes in ${weight.requests} request(s)`);
  expect(weight.requests).toBe(1);
  expect(weight.bytes).toBeLessThan(120_000);
}, 60_000);

test('pick an existing channel (searched) and create a new one; each says whether Lookout is in it', async () => {
  await page.getByLabel('Search channels').fill('ops');
  await expect(page.locator('#chlist li:not([hidden])').count()).resolves.toBe(1);
  await page.getByLabel('#ops').check();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Alert channels updated.').waitFor();
  const current = page.locator('#current-channels');
  await expect(current.textContent()).resolves.toMatch(/#ops.*Lookout is not in this channel.*\/invite @/s);
  await page.getByLabel('Search channels').fill('alerts');
  await page.getByLabel('#alerts').check();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Alert channels updated.').waitFor();

  await page.getByLabel('Create a new channel').check();
  await page.getByLabel('New channel name').fill('Incident Room');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Use only lowercase letters').waitFor();
  await shot(page, '04-new-channel-invalid');
  await page.getByLabel('New channel name').fill('incident-room');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Alert channels updated.').waitFor();
  await expect(current.textContent()).resolves.toMatch(/#incident-room.*Lookout is a member/s);
  await shot(page, '05-channels');
  const [row] = await stack.db.sql<{ alert_channels: string[] }[]>`select alert_channels from workspace_settings where team_id = 'T0SANDBOX'`;
  expect(row.alert_channels).toHaveLength(3);
  expect(stack.slack.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['conversations.create', 'conversations.join']));
}, 60_000);

let webhook: string;
test('routing with a DM and an incoming webhook: a validation error first, then saved (the webhook encrypted)', async () => {
  webhook = stack.slack.webhooks.create({ channel: 'C0ALERTS', teamId: 'T0SANDBOX' }).url;
  const alerts = page.getByRole('group', { name: 'Alerts', exact: true });
  await alerts.getByLabel('#alerts').check();
  await page.getByRole('group', { name: 'Errors', exact: true }).getByLabel('Direct messages to').fill('U0BOB');
  await page.getByRole('group', { name: 'Digests', exact: true }).getByLabel('Incoming webhook URL').fill('http://example.com/not-a-hook');
  await page.getByLabel('Approver user IDs').fill('U0ALICE, bob');
  await page.getByLabel('Allowed namespaces').fill('shop, Bad NS');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Nothing was saved').waitFor();
  await expect(page.locator('#approvers-err').textContent()).resolves.toContain('BOB: not a user ID');
  await expect(page.locator('#digests_webhook-err').textContent()).resolves.toContain('https://hooks.slack.com/services/');
  await expect(page.locator('#namespaces-err').isVisible()).resolves.toBe(true);
  // What was typed stays, except the webhook URL, which is never sent back.
  await expect(page.getByRole('group', { name: 'Errors', exact: true }).getByLabel('Direct messages to').inputValue()).resolves.toBe('U0BOB');
  await shot(page, '06-save-invalid');

  await page.getByLabel('Approver user IDs').fill('U0ALICE, S0ONCALL');
  await page.getByLabel('Allowed namespaces').fill('shop, team-*');
  await page.getByRole('group', { name: 'Digests', exact: true }).getByLabel('Incoming webhook URL').fill(webhook);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  const html = await page.content();
  expect(html).not.toContain(webhook);
  expect(html).toContain('(set: <code>');
  const [row] = await stack.db.sql<{ approvers: string[]; routing: Record<string, { webhook?: string; users: string[] }>; policy: unknown }[]>`
    select approvers, routing, policy from workspace_settings where team_id = 'T0SANDBOX'`;
  expect(row.approvers).toEqual(['U0ALICE', 'S0ONCALL']);
  expect(row.routing.errors.users).toEqual(['U0BOB']);
  expect(row.routing.digests.webhook).toMatch(/^v1:/);
  expect(JSON.stringify(row.routing)).not.toContain(webhook.split('/').pop());
  expect(row.policy).toEqual({ namespaces: ['shop', 'team-*'], secondApproverForDestructive: true });
  await shot(page, '07-saved');
  // The README's picture: the top of the saved page, as a person first sees it. A test run does not change the
  // committed file; `UPDATE_SCREENSHOTS=1 npm test -- test/browser/settings-oauth` refreshes it.
  await page.evaluate(() => window.scrollTo(0, 0));
  const picture = await page.screenshot();
  expect(picture.length).toBeGreaterThan(10_000);
  if (process.env.UPDATE_SCREENSHOTS) fs.writeFileSync('docs/images/settings.png', picture);
}, 60_000);

test('a test notification reaches each destination and explains the one that fails', async () => {
  stack.slack.webhooks.failNext(webhook, { status: 403, body: 'invalid_token' });
  await page.getByRole('button', { name: 'Send test notification' }).click();
  const results = page.locator('#test-results');
  await results.waitFor();
  const text = await results.textContent();
  expect(text).toMatch(/Delivered\s+channel C0ALERTS/);
  expect(text).toMatch(/Delivered\s+DM to U0BOB/);
  expect(text).toMatch(/Failed\s+webhook .*403 invalid_token.*create a new incoming webhook/s);
  expect(stack.slack.dm('U0BOB').some((m) => m.text.includes('Test notification from Lookout'))).toBe(true);
  await shot(page, '08-test-notification');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, '09-narrow-390px');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
}, 60_000);

test('keyboard use and contrast: Tab reaches every form control with a visible focus ring; text meets WCAG AA', async () => {
  await page.goto(url('/'));
  // Visible, enabled controls (a closed confirmation step's buttons are not on screen yet).
  const controls = await page.evaluate(() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button')]
    .filter((el) => (el as HTMLElement).offsetParent !== null && !(el as HTMLInputElement).disabled
      // A radio group is one Tab stop (arrow keys move within it): its checked radio stands for it.
      && !((el as HTMLInputElement).type === 'radio' && !(el as HTMLInputElement).checked)).length);
  // The page's forms: channels, routing, policy, test notification, disconnect.
  expect(controls).toBeGreaterThan(5);
  const reached = new Set<string>();
  for (let i = 0; i < controls + 60 && reached.size < controls; i += 1) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || !el.closest('main') || !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName)) return undefined;
      const style = getComputedStyle(el);
      const key = `${el.tagName}#${el.id}|${(el as HTMLInputElement).name}|${(el as HTMLInputElement).value}|${el.textContent}|${[...document.querySelectorAll('main *')].indexOf(el)}`;
      return { key, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none' };
    });
    if (!focus) continue;
    expect({ control: focus.key, ring: focus.ring }).toEqual({ control: focus.key, ring: true });
    reached.add(focus.key);
  }
  const missing = await page.evaluate((seen) => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button')]
    .filter((el) => (el as HTMLElement).offsetParent !== null && !(el as HTMLInputElement).disabled
      // A radio group is one Tab stop (arrow keys move within it): its checked radio stands for it.
      && !((el as HTMLInputElement).type === 'radio' && !(el as HTMLInputElement).checked))
    .map((el) => `${el.tagName}#${el.id}|${(el as HTMLInputElement).name}|${(el as HTMLInputElement).value}|${el.textContent}|${[...document.querySelectorAll('main *')].indexOf(el)}`)
    .filter((k) => !seen.includes(k)), [...reached]);
  expect(missing).toEqual([]);
  expect(reached.size).toBe(controls);
  // Every piece of text against its nearest opaque background: contrast ratio >= 4.5 (WCAG AA, normal text).
  const worst = await page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    let min = { ratio: 21, text: '' };
    for (const el of document.querySelectorAll('main *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own || (el as HTMLElement).offsetParent === null) continue;
      const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < min.ratio) min = { ratio, text: el.textContent!.trim().slice(0, 40) };
    }
    return min;
  });
  expect(worst.ratio).toBeGreaterThanOrEqual(4.5);
}, 60_000);

test('CSRF: a form post without the token, or with a wrong one, is refused with 403', async () => {
  const without = await page.request.post(url('/settings'), { form: { approvers: 'U0MALLORY' }, maxRedirects: 0 });
  expect(without.status()).toBe(403);
  const wrong = await page.request.post(url('/settings/disconnect'), { form: { _csrf: 'not-the-token', confirm: 'yes' }, maxRedirects: 0 });
  expect(wrong.status()).toBe(403);
  expect(await rows('slack_installations', 'T0SANDBOX')).toBe(1);
  expect((await stack.db.sql`select approvers from workspace_settings where team_id = 'T0SANDBOX'`)[0].approvers).toEqual(['U0ALICE', 'S0ONCALL']);
});

test('a session of one workspace can neither read nor change another by tampering with IDs', async () => {
  const b = await browser.newContext();
  const bPage = await b.newPage();
  await connect(bPage, 'Other Team');
  await signIn(bPage, 'U0OLGA', 'T0OTHER');
  await bPage.getByText('Signed in.').waitFor();
  await expect(bPage.locator('#slack-h + dl').textContent()).resolves.toContain('T0OTHER');
  await bPage.getByRole('button', { name: 'Save settings' }).click();
  await bPage.getByText('Settings saved.').waitFor();
  const before = await stack.db.sql`select * from workspace_settings where team_id = 'T0OTHER'`;

  // Alice (T0SANDBOX) asks for T0OTHER's page, and posts forms naming T0OTHER with her own valid CSRF token.
  expect((await page.request.get(url('/?team=T0OTHER'))).status()).toBe(403);
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  for (const action of ['/settings', '/settings/test', '/settings/channels', '/settings/disconnect']) {
    const res = await page.request.post(url(action), { form: { _csrf: csrf, team: 'T0OTHER', approvers: 'U0MALLORY', confirm: 'yes', channel: 'C0OPS' }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
  }
  expect(await stack.db.sql`select * from workspace_settings where team_id = 'T0OTHER'`).toEqual(before);
  expect(await rows('slack_installations', 'T0OTHER')).toBe(1);
  // Her own page never shows the other workspace.
  await page.goto(url('/'));
  expect(await page.content()).not.toContain('T0OTHER');
  await b.close();
}, 60_000);

test('Disconnect asks for confirmation, revokes the token and deletes the workspace\'s data; the other stays', async () => {
  // An incident of this workspace, with its audit trail and a storm, shown on the page and then deleted.
  const wf = 'incident-browser-1';
  await stack.db.sql`insert into incidents (workflow_id, team_id, alert_name, source, severity, status, alert, channel, alert_ts)
    values (${wf}, 'T0SANDBOX', 'KubePodCrashLooping', 'alertmanager', 'critical', 'awaiting_approval', '{}', 'C0ALERTS', '1700000000.000100')`;
  await stack.db.sql`insert into audit_events (workflow_id, team_id, type, actor) values (${wf}, 'T0SANDBOX', 'decision.approve', 'U0ALICE')`;
  const [storm] = await stack.db.sql`insert into storms (key, channel, leader_workflow_id) values ('k', 'C0ALERTS', ${wf}) returning id`;
  await stack.db.sql`insert into storm_members (storm_id, storm_key, workflow_id, alert) values (${storm.id}, 'k', ${wf}, '{}')`;
  await page.goto(url('/'));
  await expect(page.getByRole('link', { name: 'thread' }).getAttribute('href')).resolves.toBe(`${stack.slack.url}/archives/C0ALERTS/p1700000000000100`);
  await expect(page.getByRole('link', { name: 'Temporal' }).first().getAttribute('href')).resolves.toContain(`/workflows/${wf}`);
  await shot(page, '10-incidents');

  await page.getByRole('button', { name: 'Disconnect…' }).click();
  await page.getByText('It cannot be undone.').waitFor();
  await shot(page, '11-disconnect-confirm');
  await page.getByRole('button', { name: 'Yes, disconnect and delete' }).click();
  await page.getByText('Nothing of workspace').waitFor();
  await shot(page, '12-disconnected');
  const left = await page.locator('#left tbody tr td:last-child').allTextContents();
  expect(left.length).toBeGreaterThan(4);
  expect(left.every((n) => n === '0')).toBe(true);

  for (const table of ['slack_installations', 'workspace_settings', 'incidents', 'audit_events']) expect(await rows(table, 'T0SANDBOX')).toBe(0);
  expect((await stack.db.sql`select count(*)::int as n from storms where leader_workflow_id = ${wf}`)[0].n).toBe(0);
  expect((await stack.db.sql`select count(*)::int as n from storm_members where workflow_id = ${wf}`)[0].n).toBe(0);
  expect(await rows('slack_installations', 'T0OTHER')).toBe(1);
  expect(stack.slack.calls.some((c) => c.method === 'auth.revoke')).toBe(true);
  // The session ended with the workspace.
  await page.goto(url('/'));
  await page.getByRole('link', { name: 'Sign in with Slack' }).waitFor();
}, 60_000);

