import { slackChannel, slackMessage } from './slack-shapes.js';
import { slackId, compareTs } from './store.js';
import { SlackApiError, bool, list, paginate, requireChannel, requireScope, str } from './web-api.js';
import type { Args, MethodContext, MethodHandler } from './web-api.js';
import type { StoredChannel } from './types.js';

/** conversations.*: listing, creating, joining and reading channels and DMs. */

const TYPE_OF: Record<string, (c: StoredChannel) => boolean> = {
  public_channel: (c) => c.kind === 'channel' && !c.isPrivate,
  private_channel: (c) => c.kind === 'channel' && c.isPrivate,
  mpim: (c) => c.kind === 'mpim',
  im: (c) => c.kind === 'im',
};

/** The read scope each conversation type needs, as conversations.list and conversations.info check them. */
const READ_SCOPE: Record<string, string> = {
  public_channel: 'channels:read',
  private_channel: 'groups:read',
  mpim: 'mpim:read',
  im: 'im:read',
};

function typeOf(c: StoredChannel): string {
  return c.kind === 'channel' ? (c.isPrivate ? 'private_channel' : 'public_channel') : c.kind;
}

/** Slack's channel-name rules and the error each broken rule produces. */
export function channelNameError(name: string | undefined, taken: (n: string) => boolean): string | undefined {
  if (!name) return 'invalid_name_required';
  if (name.length > 80) return 'invalid_name_maxlength';
  if (!/[\p{L}\p{N}]/u.test(name)) return 'invalid_name_punctuation';
  if (!/^[a-z0-9_-]+$/.test(name)) return 'invalid_name_specials';
  if (taken(name)) return 'name_taken';
  return undefined;
}

/** The bot only sees inside conversations it belongs to, like a real bot token. */
function readable(ctx: MethodContext, args: Args): StoredChannel {
  const channel = requireChannel(ctx, args);
  if (!channel.members.includes(ctx.store.opts.botUserId)) {
    throw new SlackApiError(channel.isPrivate ? 'channel_not_found' : 'not_in_channel');
  }
  return channel;
}

/** latest/oldest are exclusive unless inclusive=true, as in Slack. */
function inWindow(ts: string, args: Args): boolean {
  const inclusive = bool(args, 'inclusive');
  const latest = str(args, 'latest');
  const oldest = str(args, 'oldest');
  if (latest && (inclusive ? compareTs(ts, latest) > 0 : compareTs(ts, latest) >= 0)) return false;
  if (oldest && (inclusive ? compareTs(ts, oldest) < 0 : compareTs(ts, oldest) <= 0)) return false;
  return true;
}

export const conversationMethods: Record<string, MethodHandler> = {
  // Private channels, DMs and group DMs appear only when the bot is in them, as for a real bot token.
  'conversations.list': (args, ctx, call) => {
    const types = list(args, 'types');
    const asked = types.length ? types : ['public_channel'];
    const unknown = asked.find((t) => !TYPE_OF[t]);
    if (unknown) throw new SlackApiError('invalid_types');
    for (const t of asked) requireScope(call, READ_SCOPE[t]);
    const wanted = asked.map((t) => TYPE_OF[t]);
    const bot = ctx.store.opts.botUserId;
    const skipArchived = bool(args, 'exclude_archived');
    const visible = [...ctx.store.channels.values()].filter(
      (c) => wanted.some((f) => f(c)) && (!c.isPrivate || c.members.includes(bot)) && !(skipArchived && c.isArchived),
    );
    const { page, meta } = paginate(visible, args);
    return { channels: page.map((c) => slackChannel(ctx.store, c)), response_metadata: meta };
  },

  'conversations.info': (args, ctx, call) => {
    const channel = requireChannel(ctx, args);
    requireScope(call, READ_SCOPE[typeOf(channel)]);
    if (channel.isPrivate && !channel.members.includes(ctx.store.opts.botUserId))
      throw new SlackApiError('channel_not_found');
    return { channel: slackChannel(ctx.store, channel) };
  },

  'conversations.create': (args, ctx, call) => {
    const isPrivate = bool(args, 'is_private');
    requireScope(call, isPrivate ? 'groups:write' : 'channels:manage');
    const name = str(args, 'name');
    // Archived channels keep their names, so they are taken too.
    const taken = (n: string) => [...ctx.store.channels.values()].some((c) => c.kind === 'channel' && c.name === n);
    const error = channelNameError(name, taken);
    if (error || !name) throw new SlackApiError(error ?? 'invalid_name_required');
    const bot = ctx.store.opts.botUserId;
    const channel = ctx.store.addChannel({
      id: slackId('C'),
      name,
      kind: 'channel',
      isPrivate,
      members: [bot],
      creator: bot,
    });
    return { channel: slackChannel(ctx.store, channel) };
  },

  'conversations.join': (args, ctx, call) => {
    requireScope(call, 'channels:join');
    const channel = requireChannel(ctx, args);
    // The bot cannot tell a private channel it is not in from a missing one.
    if (channel.isPrivate && !channel.members.includes(ctx.store.opts.botUserId))
      throw new SlackApiError('channel_not_found');
    if (channel.kind !== 'channel' || channel.isPrivate)
      throw new SlackApiError('method_not_supported_for_channel_type');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    const bot = ctx.store.opts.botUserId;
    const already = channel.members.includes(bot);
    if (!already) {
      channel.members.push(bot);
      ctx.store.touch();
    }
    return { channel: slackChannel(ctx.store, channel), ...(already ? { warning: 'already_in_channel' } : {}) };
  },

  'conversations.invite': (args, ctx) => {
    const channel = readable(ctx, args);
    const users = list(args, 'users');
    if (!users.length) throw new SlackApiError('no_user');
    if (users.includes(ctx.store.opts.botUserId)) throw new SlackApiError('cant_invite_self');
    if (users.some((u) => !ctx.store.users.has(u))) throw new SlackApiError('user_not_found');
    const fresh = users.filter((u) => !channel.members.includes(u));
    if (!fresh.length) throw new SlackApiError('already_in_channel');
    channel.members.push(...fresh);
    ctx.store.touch();
    return { channel: slackChannel(ctx.store, channel) };
  },

  'conversations.members': (args, ctx) => {
    const { page, meta } = paginate(readable(ctx, args).members, args);
    return { members: page, response_metadata: meta };
  },

  'conversations.history': (args, ctx) => {
    const channel = readable(ctx, args);
    const newestFirst = ctx.store
      .topLevel(channel.id)
      .filter((m) => !m.ephemeralFor && inWindow(m.ts, args))
      .reverse();
    const { page, meta } = paginate(newestFirst, args);
    return {
      messages: page.map((m) => slackMessage(ctx.store, m, ctx.baseUrl)),
      has_more: meta.next_cursor !== '',
      pin_count: 0,
      response_metadata: meta,
    };
  },

  'conversations.replies': (args, ctx) => {
    const channel = readable(ctx, args);
    const ts = str(args, 'ts');
    const found = ts ? ctx.store.find(channel.id, ts) : undefined;
    if (!found || found.ephemeralFor) throw new SlackApiError('thread_not_found');
    const parent = found.threadTs ? (ctx.store.find(channel.id, found.threadTs) ?? found) : found;
    const thread = [parent, ...ctx.store.thread(channel.id, parent.ts)].filter(
      (m) => !m.ephemeralFor && inWindow(m.ts, args),
    );
    const { page, meta } = paginate(thread, args, 1000);
    return {
      messages: page.map((m) => slackMessage(ctx.store, m, ctx.baseUrl)),
      has_more: meta.next_cursor !== '',
      response_metadata: meta,
    };
  },

  'conversations.open': (args, ctx) => {
    const existing = str(args, 'channel');
    if (existing)
      return { channel: slackChannel(ctx.store, requireChannel(ctx, args)), no_op: true, already_open: true };
    const users = list(args, 'users').filter((u) => u !== ctx.store.opts.botUserId);
    if (!users.length) throw new SlackApiError('users_list_not_supplied');
    if (users.some((u) => !ctx.store.users.has(u))) throw new SlackApiError('user_not_found');
    if (users.length > 8) throw new SlackApiError('too_many_users');
    const before = ctx.store.channels.size;
    const channel = users.length === 1 ? ctx.store.openIm(users[0]) : ctx.store.openMpim(users);
    const opened = ctx.store.channels.size > before;
    const shape = bool(args, 'return_im') ? slackChannel(ctx.store, channel) : { id: channel.id };
    return { channel: shape, ...(opened ? {} : { no_op: true, already_open: true }) };
  },
};
