import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendJson } from './http-util.js';
import { renderPage } from './page-shell.js';
import { channelLabel, defaultChannel, renderHeader, renderMessages, renderSidebar } from './page-view.js';
import type { AppLink } from './interactions.js';
import type { SlackStore } from './store.js';
import type { SandboxControl } from './types.js';

/** /sandbox: the page, its state and fragments, and the person's actions (click, react, post) sent on to the app. */

export interface SandboxDeps {
  store: SlackStore;
  link: AppLink;
  banner?: string;
  controls: SandboxControl[];
}

type Action = (body: Record<string, unknown>, deps: SandboxDeps) => Promise<Record<string, unknown>>;

const field = (body: Record<string, unknown>, key: string): string => {
  const v = body[key];
  if (typeof v !== 'string' || !v) throw new HttpError(400, `missing ${key}`);
  return v;
};

const answered = (res: Response) =>
  res.ok
    ? { ok: true, status: res.status }
    : { ok: false, status: res.status, error: `the app answered HTTP ${res.status}` };

const ACTIONS: Record<string, Action> = {
  control: async (b, { controls }) => {
    const control = controls.find((c) => c.id === field(b, 'id'));
    if (!control) throw new HttpError(404, 'unknown control');
    return { ok: true, result: (await control.run()) ?? 'done' };
  },
  click: async (b, { link }) => {
    const opts = {
      channel: field(b, 'channel'),
      ts: field(b, 'ts'),
      actionId: field(b, 'actionId'),
      userId: field(b, 'userId'),
    };
    return answered(await link.clickButton(opts));
  },
  react: async (b, { link }) => {
    const opts = {
      channel: field(b, 'channel'),
      ts: field(b, 'ts'),
      name: field(b, 'name'),
      userId: field(b, 'userId'),
    };
    return answered(await (b.remove === true ? link.removeReaction(opts) : link.addReaction(opts)));
  },
  post: async (b, { link, store }) => {
    const threadTs = typeof b.threadTs === 'string' && b.threadTs ? b.threadTs : undefined;
    const text = typedText(store, field(b, 'text'));
    const { ts, response } = await link.postUserMessage({
      channel: field(b, 'channel'),
      text,
      userId: field(b, 'userId'),
      threadTs,
    });
    return { ...answered(response), ts };
  },
};

/** What Slack's own client does to typed text: escape &, < and >, and turn @name into a user mention. */
function typedText(store: SlackStore, typed: string): string {
  const escaped = typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const byName = new Map([...store.users.values()].map((u) => [u.name, u.id]));
  return escaped.replace(/(^|\s)@([\w.-]+)/g, (all, pre: string, name: string) =>
    byName.has(name) ? `${pre}<@${byName.get(name)}>` : all,
  );
}

function actingAs(store: SlackStore, requested: string | null): string {
  if (requested && store.users.get(requested)?.isBot === false) return requested;
  return [...store.users.values()].find((u) => !u.isBot)?.id ?? store.opts.botUserId;
}

/** A fetch failure says only "fetch failed"; the cause (e.g. ECONNREFUSED) is what a person needs. */
function describe(err: unknown, link: AppLink): string {
  // Duck-typed: errors from fetch may come from another realm (e.g. under jest), where instanceof fails.
  const e = (err ?? {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const why = e.cause?.code ?? e.cause?.message;
  if (typeof why === 'string') return `could not reach the app at ${link.appUrl} (${why})`;
  return typeof e.message === 'string' ? e.message : String(err);
}

export function sandboxState(deps: SandboxDeps): Record<string, unknown> {
  const { store } = deps;
  const { teamId, teamName, botUserId, botId, botName } = store.opts;
  return {
    version: store.version,
    banner: deps.banner,
    team: { id: teamId, name: teamName },
    bot: { userId: botUserId, botId, name: botName },
    users: [...store.users.values()],
    channels: [...store.channels.values()].map((c) => ({
      ...c,
      label: channelLabel(store, c),
      messages: store.topLevel(c.id).map((m) => ({ ...m, replies: store.thread(c.id, m.ts) })),
    })),
    files: [...store.files.values()].map(({ bytes, ...f }) => ({ ...f, uploaded: !!bytes, url: `/files/${f.id}` })),
  };
}

function view(deps: SandboxDeps, url: URL) {
  const { store } = deps;
  const channel = store.channel(url.searchParams.get('channel') ?? '') ?? defaultChannel(store);
  const as = actingAs(store, url.searchParams.get('as'));
  return {
    channel,
    as,
    version: store.version,
    sidebar: renderSidebar(store, channel?.id ?? ''),
    header: renderHeader(store, channel),
    messages: renderMessages({ store, actingAs: as }, channel),
  };
}

export async function handleSandbox(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: SandboxDeps,
): Promise<boolean> {
  const sub = url.pathname.replace(/^\/sandbox\/?/, '');
  if (req.method === 'GET' && sub === '') {
    const v = view(deps, url);
    const nonce = randomBytes(16).toString('base64');
    const users = [...deps.store.users.values()].filter((u) => !u.isBot);
    const html = renderPage({
      nonce,
      banner: deps.banner,
      teamName: deps.store.opts.teamName,
      channelId: v.channel?.id ?? '',
      version: v.version,
      actingAs: v.as,
      controls: deps.controls.map(({ id, label }) => ({ id, label })),
      users,
      sidebar: v.sidebar,
      header: v.header,
      messages: v.messages,
    });
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        "style-src 'unsafe-inline'",
        "img-src 'self' https: http: data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    });
    res.end(html);
    return true;
  }
  if (req.method === 'GET' && sub === 'state.json') {
    sendJson(res, 200, sandboxState(deps), { 'cache-control': 'no-store' });
    return true;
  }
  if (req.method === 'GET' && sub === 'view') {
    const { channel, as, ...fragments } = view(deps, url);
    sendJson(res, 200, { ...fragments, channel: channel?.id, actingAs: as }, { 'cache-control': 'no-store' });
    return true;
  }
  const action = req.method === 'POST' ? ACTIONS[sub] : undefined;
  if (!action) return false;
  // JSON only: a cross-site page cannot send that without a CORS preflight, which this server never approves.
  if (!req.headers['content-type']?.includes('application/json')) throw new HttpError(415, 'send application/json');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'invalid json');
  }
  try {
    sendJson(res, 200, await action(body, deps));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    sendJson(res, 200, { ok: false, error: describe(err, deps.link) });
  }
  return true;
}
