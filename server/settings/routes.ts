import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { CHANNEL_ID, channelNameProblem, parseSettingsForm, type Form, type Route, type Routing } from '../../core/settings.js';
import { deliverTests } from './actions.js';
import { botToken, guardPost, HttpError, visitor, webhookContext, type SettingsDeps } from './context.js';
import { workspacePage } from './page.js';
import { newSession, writeSession } from './session.js';
import { advice, SlackCallError } from './slack-admin.js';
import { disconnectedPage, esc, layout, signedOut } from './views.js';

const NOTICES: Record<string, string> = { saved: 'Settings saved.', channels: 'Alert channels updated.', signedin: 'Signed in.' };
const many = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** `GET /` and the settings forms under `/settings/*`: see views.ts for what is shown, context.ts for who may. */
export function settingsRouter(deps: SettingsDeps): express.Router {
  const { config, store, slack } = deps;
  const router = express.Router();
  const forms = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 2000 });
  const adminTokenSet = !!config.adminToken;
  const workspace = deps.team.id ? `${deps.team.name ?? ''} (${deps.team.id})`.trim() : undefined;
  const page = (res: express.Response, status: number, html: string) => res.status(status).set('cache-control', 'no-store').type('html').send(html);
  const anonymous = (res: express.Response, session: Parameters<typeof signedOut>[0]['session'], status = 200, error?: string, notice?: string) =>
    page(res, status, layout('Lookout settings', signedOut({ mode: deps.mode, session, error, notice }, { adminTokenSet, workspace }), config.banner));

  router.get('/', async (req, res) => {
    const v = visitor(deps, req, res);
    const asked = typeof req.query.team === 'string' ? req.query.team : undefined;
    if (asked && asked !== v.teamId) throw new HttpError(403, 'You are signed in to another workspace: this one is not yours to see.');
    if (!v.teamId) return void anonymous(res, v.session, 200, typeof req.query.error === 'string' ? req.query.error.slice(0, 200) : undefined);
    const notice = NOTICES[String(req.query.notice)];
    page(res, 200, await workspacePage(deps, { ...v, teamId: v.teamId }, { notice }));
  });

  router.post('/settings/login', forms, (req, res) => {
    const { session, body } = guardPost(deps, req, { needTeam: false });
    if (deps.mode !== 'single' && deps.mode !== 'socket') throw new HttpError(404, 'There is no admin token login in this mode.');
    if (!config.adminToken) throw new HttpError(403, 'ADMIN_TOKEN is not set on the server, so nobody can sign in.');
    if (typeof body.token !== 'string' || !sameSecret(body.token, config.adminToken)) return void anonymous(res, session, 401, 'That is not the admin token.');
    writeSession(res, deps.sessionSecret(), newSession({ teamId: deps.team.id, userName: 'admin (ADMIN_TOKEN)' }), req.secure);
    res.redirect(303, '/?notice=signedin');
  });

  router.post('/settings/logout', forms, (req, res) => {
    guardPost(deps, req, { needTeam: false });
    writeSession(res, deps.sessionSecret(), newSession(), req.secure);
    res.redirect(303, '/');
  });

  // Sign in with Slack (OpenID Connect): authorize -> openid.connect.token -> openid.connect.userInfo -> users.info.
  router.get('/settings/signin', (req, res) => {
    if (deps.mode !== 'oauth' || !config.slack.clientId) throw new HttpError(404, 'Sign in with Slack is only used in OAuth mode.');
    const v = visitor(deps, req, res);
    const state = randomBytes(16).toString('base64url');
    writeSession(res, deps.sessionSecret(), { ...v.session, oidcState: state }, req.secure);
    const url = new URL('../openid/connect/authorize', config.slack.apiUrl);
    url.search = new URLSearchParams({
      response_type: 'code', scope: 'openid profile', client_id: config.slack.clientId, state, nonce: randomBytes(12).toString('base64url'),
      redirect_uri: `${req.protocol}://${req.get('host')}/settings/oidc`,
      // Slack's `team` hint skips the workspace picker for people in several workspaces.
      ...(typeof req.query.team === 'string' && /^T[A-Z0-9]+$/.test(req.query.team) ? { team: req.query.team } : {}),
    }).toString();
    res.redirect(302, url.toString());
  });

  router.get('/settings/oidc', async (req, res) => {
    if (deps.mode !== 'oauth') throw new HttpError(404, 'Sign in with Slack is only used in OAuth mode.');
    const v = visitor(deps, req, res);
    if (!v.session.oidcState || req.query.state !== v.session.oidcState) throw new HttpError(400, 'This sign-in link is not valid for this browser (expired or opened elsewhere). Sign in again.');
    if (typeof req.query.code !== 'string') return void anonymous(res, v.session, 400, 'Slack did not sign you in (cancelled?).');
    const user = await slack.openIdUser({
      clientId: config.slack.clientId!, clientSecret: config.slack.clientSecret!, code: req.query.code,
      redirectUri: `${req.protocol}://${req.get('host')}/settings/oidc`,
    });
    const token = user.teamId ? await deps.installations?.tokenFor(user.teamId) : undefined;
    if (!token) return void anonymous(res, v.session, 403, 'Lookout is not installed in your workspace yet: press Connect Slack first, then sign in.');
    if (!(await slack.isAdmin(token, user.userId))) return void anonymous(res, v.session, 403, 'Only workspace admins and owners can change Lookout\'s settings. Ask one of them.');
    writeSession(res, deps.sessionSecret(), newSession({ teamId: user.teamId, userId: user.userId, userName: user.name }), req.secure);
    deps.log.info({ teamId: user.teamId, userId: user.userId }, 'settings: admin signed in with Slack');
    res.redirect(303, '/?notice=signedin');
  });

  router.post('/settings/channels', forms, async (req, res) => {
    const { teamId, session, body } = guardPost(deps, req);
    const v = { session, teamId: teamId! };
    const token = await botToken(deps, v.teamId);
    if (!token) throw new HttpError(409, 'Lookout is not connected to Slack.');
    const current = (await store.read(v.teamId)).alertChannels;
    const form = body as Form;
    let added: string[];
    if (body.mode === 'new') {
      const name = String(body.new_channel ?? '').trim();
      const problem = channelNameProblem(name);
      if (problem) return void page(res, 422, await workspacePage(deps, v, { form, errors: { new_channel: problem } }));
      try {
        added = [(await slack.createChannel(token, name, body.new_private === 'on')).id];
      } catch (err) {
        if (!(err instanceof SlackCallError)) throw err;
        const why = err.code === 'name_taken' ? 'A channel with that name exists already: choose it under "Use existing channels".' : `Slack refused: ${err.code}. ${advice(err.code)}`;
        return void page(res, 422, await workspacePage(deps, v, { form, errors: { new_channel: why } }));
      }
    } else {
      added = many(body.channel).filter((c) => CHANNEL_ID.test(c));
      if (!added.length) return void page(res, 422, await workspacePage(deps, v, { form, errors: { channel: 'Tick at least one channel.' } }));
      // Only channels Slack says exist in this workspace.
      for (const id of added) if (!(await slack.channelInfo(token, id))) return void page(res, 422, await workspacePage(deps, v, { form, errors: { channel: `${id}: no such channel.` } }));
    }
    await store.setChannels(v.teamId, [...new Set([...current, ...added])]);
    res.redirect(303, '/?notice=channels');
  });

  router.post('/settings/channels/remove', forms, async (req, res) => {
    const { teamId, body } = guardPost(deps, req);
    const current = (await store.read(teamId!)).alertChannels;
    await store.setChannels(teamId!, current.filter((c) => c !== body.channel));
    res.redirect(303, '/?notice=channels');
  });

  router.post('/settings', forms, async (req, res) => {
    const { teamId, session, body } = guardPost(deps, req);
    const v = { session, teamId: teamId! };
    const parsed = parseSettingsForm(body as Form, { apiUrl: config.slack.apiUrl });
    if (!parsed.ok) return void page(res, 422, await workspacePage(deps, v, { form: body as Form, errors: parsed.errors }));
    const before = await store.read(v.teamId);
    const routing: Routing = {};
    for (const [type, r] of Object.entries(parsed.value.routes) as [keyof Routing, (typeof parsed.value.routes)[keyof Routing]][]) {
      const webhook = r.webhook.kind === 'set' ? deps.cipher.encrypt(r.webhook.url, webhookContext(v.teamId, type))
        : r.webhook.kind === 'keep' ? before.routing[type]?.webhook : undefined;
      const route: Route = { channels: r.channels, users: r.users, ...(webhook ? { webhook } : {}) };
      if (route.channels.length || route.users.length || route.webhook) routing[type] = route;
    }
    await store.save(v.teamId, { approvers: parsed.value.approvers, routing, policy: parsed.value.policy });
    deps.log.info({ teamId: v.teamId }, 'settings saved');
    res.redirect(303, '/?notice=saved');
  });

  router.post('/settings/test', forms, async (req, res) => {
    const { teamId, session } = guardPost(deps, req);
    const v = { session, teamId: teamId! };
    const testResults = await deliverTests(deps, v.teamId);
    page(res, 200, await workspacePage(deps, v, { testResults }));
  });

  router.post('/settings/disconnect', forms, async (req, res) => {
    const { teamId, session, body } = guardPost(deps, req);
    const v = { session, teamId: teamId! };
    if (body.confirm !== 'yes') return void page(res, 200, await workspacePage(deps, v, { confirmDisconnect: true }));
    const token = await botToken(deps, v.teamId);
    let revoked = 'There was no token to revoke.';
    if (token && deps.mode !== 'sandbox') {
      revoked = await slack.revoke(token).then(() => 'Slack revoked Lookout\'s token.', (err: unknown) => `Slack did not revoke the token (${err instanceof SlackCallError ? err.code : 'unreachable'}); remove the app in Slack to be sure.`);
    }
    if (deps.mode === 'single' || deps.mode === 'socket') revoked += ' Remove SLACK_BOT_TOKEN from the server\'s environment too.';
    const { deleted, left } = await store.forget(v.teamId);
    deps.log.warn({ teamId: v.teamId, deleted }, 'settings: workspace disconnected and its data deleted');
    if (deps.mode === 'oauth') writeSession(res, deps.sessionSecret(), newSession(), req.secure);
    page(res, 200, layout('Lookout: disconnected', disconnectedPage(v.teamId, deleted, left, revoked), config.banner));
  });

  router.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!req.path.startsWith('/settings') && req.path !== '/') return next(err);
    // body-parser's own errors (a body over the limit: 413, unreadable: 400) carry their status.
    const parserStatus = (err as { status?: number; type?: string }).type ? (err as { status?: number }).status : undefined;
    const clientError = parserStatus && parserStatus >= 400 && parserStatus < 500 ? parserStatus : undefined;
    const status = err instanceof HttpError ? err.status : clientError ?? 500;
    if (status === 500) deps.log.error({ err }, 'settings page failed');
    const message = err instanceof HttpError ? err.message
      : clientError === 413 ? 'That form was too large.'
        : clientError ? 'That form could not be read.'
          : err instanceof SlackCallError ? `Slack refused: ${err.code}. ${advice(err.code)}` : 'Something went wrong; see the server log.';
    page(res, status, layout('Lookout settings', `<section><h2>${status === 403 ? 'Not allowed' : 'Something went wrong'}</h2><p role="alert">${esc(message)}</p><p><a href="/">Back to settings</a></p></section>`, config.banner));
  });
  return router;
}
