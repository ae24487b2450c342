import type { Browser, Page } from 'playwright-core';
import { startStack, STACK_ADMIN_TOKEN, type Stack } from '../support/stack.js';
import { launch, shot } from './browser.js';

// Single-workspace mode: the settings page is behind ADMIN_TOKEN; every form carries a CSRF token.
let stack: Stack;
let browser: Browser;
let page: Page;
const started = Date.now();

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  console.log(`settings browser tests (ADMIN_TOKEN): ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('nothing is shown or editable before signing in; a wrong token is refused; the right one opens the page', async () => {
  await page.goto(`${stack.server.url}/`);
  await expect(page.getByLabel('Admin token').isVisible()).resolves.toBe(true);
  expect(await page.locator('form[action="/settings"]').count()).toBe(0);
  await shot(page, '20-admin-token-login');

  await page.getByLabel('Admin token').fill('not-it');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That is not the admin token.').waitFor();

  // The login form itself needs its CSRF token.
  const forged = await page.request.post(`${stack.server.url}/settings/login`, { form: { token: STACK_ADMIN_TOKEN }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);

  await page.getByLabel('Admin token').fill(STACK_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in.').waitFor();
  await expect(page.locator('#slack-h + dl').textContent()).resolves.toContain('T0SANDBOX');
  await expect(page.getByRole('button', { name: 'Save settings' }).isVisible()).resolves.toBe(true);
  await shot(page, '21-admin-token-signed-in');

  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'lookout_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
}, 60_000);
