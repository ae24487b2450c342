/** Bolt's OAuth state cookie, set by /slack/install and checked at /slack/oauth_redirect. */
export const STATE_COOKIE = 'slack-app-oauth-state';

/**
 * What a browser does to install the app: GET /slack/install (state cookie and redirect), the emulator's authorize page
 * for `team`, then back to Lookout's redirect URL, with the cookie unless `cookie` is false. Throws when a step does not
 * redirect; resolves to the redirect URL's answer.
 */
export async function installThroughBrowser(serverUrl: string, team: string, { cookie = true } = {}): Promise<Response> {
  const start = await fetch(`${serverUrl}/slack/install`, { redirect: 'manual' });
  const state = new RegExp(`${STATE_COOKIE}=([^;]+)`).exec(start.headers.get('set-cookie') ?? '')?.[1];
  const location = start.headers.get('location');
  if (start.status !== 302 || !location || !state) throw new Error(`/slack/install answered ${start.status} without a redirect and a state cookie`);
  const authorize = new URL(location);
  if (authorize.searchParams.get('state') !== state) throw new Error('the authorize URL\'s state is not the cookie\'s');
  authorize.searchParams.set('team', team);
  const approved = await fetch(authorize, { redirect: 'manual' });
  const back = approved.headers.get('location');
  if (approved.status !== 302 || !back) throw new Error(`the authorize page answered ${approved.status} without a redirect`);
  return await fetch(back, { headers: cookie ? { cookie: `${STATE_COOKIE}=${state}` } : {} });
}
