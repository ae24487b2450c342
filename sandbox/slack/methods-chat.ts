import { slackMessage } from './slack-shapes.js';
import { SlackApiError, requireChannel, str } from './web-api.js';
import type { Args, MethodContext, MethodHandler } from './web-api.js';
import type { EmulatedMessage, StoredChannel } from './types.js';

/** chat.* and reactions.* with Slack's validation and error codes. */

interface Content {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** Validates text/blocks/attachments the way Slack does before accepting a message. */
function content(args: Args, required = true): Content {
  const { blocks, attachments } = args;
  const text = typeof args.text === 'string' ? args.text : undefined;
  const validBlock = (b: unknown) => !!b && typeof b === 'object' && typeof (b as { type?: unknown }).type === 'string';
  if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > 50 || !blocks.every(validBlock))) {
    throw new SlackApiError('invalid_blocks');
  }
  if (attachments !== undefined && !Array.isArray(attachments)) throw new SlackApiError('invalid_attachments');
  if ((text?.length ?? 0) > 40_000) throw new SlackApiError('msg_too_long');
  const empty = !text && !(blocks as unknown[] | undefined)?.length && !(attachments as unknown[] | undefined)?.length;
  if (required && empty) throw new SlackApiError('no_text');
  return { text, blocks: blocks as unknown[] | undefined, attachments: attachments as unknown[] | undefined };
}

/** chat.postMessage also takes a user ID and posts into that person's DM with the bot. */
function target(ctx: MethodContext, args: Args): StoredChannel {
  const ref = str(args, 'channel');
  if (ref && /^[UW]/.test(ref) && ctx.store.users.has(ref)) return ctx.store.openIm(ref);
  const channel = requireChannel(ctx, args);
  if (channel.isArchived) throw new SlackApiError('is_archived');
  if (!channel.members.includes(ctx.store.opts.botUserId)) throw new SlackApiError('not_in_channel');
  return channel;
}

function visible(ctx: MethodContext, channel: string, ts: string | undefined): EmulatedMessage {
  const m = ts ? ctx.store.find(channel, ts) : undefined;
  if (!m || m.ephemeralFor) throw new SlackApiError('message_not_found');
  return m;
}

function ownMessage(ctx: MethodContext, args: Args, code: string): EmulatedMessage {
  const channel = requireChannel(ctx, args);
  const m = visible(ctx, channel.id, str(args, 'ts'));
  if (m.user !== ctx.store.opts.botUserId) throw new SlackApiError(code);
  return m;
}

function reactionName(args: Args): string {
  const name = str(args, 'name');
  if (!name || !/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) throw new SlackApiError('invalid_name');
  return name;
}

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': (args, ctx) => {
    const channel = target(ctx, args);
    const { text, blocks, attachments } = content(args);
    const requestedThread = str(args, 'thread_ts');
    // Slack posts a reply to an unknown thread_ts as an ordinary channel message.
    const threadTs = requestedThread && ctx.store.find(channel.id, requestedThread) ? requestedThread : undefined;
    const { botUserId, botId } = ctx.store.opts;
    const m = ctx.store.addMessage({
      channel: channel.id,
      threadTs,
      text: text ?? '',
      user: botUserId,
      botId,
      blocks,
      attachments,
    });
    return { channel: channel.id, ts: m.ts, message: slackMessage(ctx.store, m, ctx.baseUrl) };
  },

  'chat.update': (args, ctx) => {
    const m = ownMessage(ctx, args, 'cant_update_message');
    const { text, blocks, attachments } = content(args);
    // Omitted fields keep their old value; an empty array clears blocks or attachments, as in Slack.
    if (text !== undefined) m.text = text;
    if (blocks !== undefined) m.blocks = blocks.length ? ctx.store.withBlockIds(blocks) : undefined;
    if (attachments !== undefined) m.attachments = attachments.length ? attachments : undefined;
    m.edited = true;
    ctx.store.touch();
    return { channel: m.channel, ts: m.ts, text: m.text, message: slackMessage(ctx.store, m, ctx.baseUrl) };
  },

  'chat.delete': (args, ctx) => {
    const m = ownMessage(ctx, args, 'cant_delete_message');
    ctx.store.remove(m.channel, m.ts);
    return { channel: m.channel, ts: m.ts };
  },

  'chat.postEphemeral': (args, ctx) => {
    const channel = requireChannel(ctx, args);
    const user = str(args, 'user');
    if (!user || !ctx.store.users.has(user)) throw new SlackApiError('user_not_found');
    if (!channel.members.includes(user)) throw new SlackApiError('user_not_in_channel');
    const { text, blocks, attachments } = content(args);
    const threadTs = str(args, 'thread_ts');
    const { botUserId, botId } = ctx.store.opts;
    const m = ctx.store.addMessage({
      channel: channel.id,
      threadTs,
      text: text ?? '',
      user: botUserId,
      botId,
      blocks,
      attachments,
      ephemeralFor: user,
    });
    return { message_ts: m.ts };
  },

  'chat.getPermalink': (args, ctx) => {
    const channel = requireChannel(ctx, args);
    const m = visible(ctx, channel.id, str(args, 'message_ts'));
    return { channel: channel.id, permalink: `${ctx.baseUrl}/sandbox#${channel.id}-${m.ts}` };
  },

  'reactions.add': (args, ctx) => {
    const channel = requireChannel(ctx, args);
    const name = reactionName(args);
    const m = visible(ctx, channel.id, str(args, 'timestamp'));
    if (!ctx.store.addReaction(m, name, ctx.store.opts.botUserId)) throw new SlackApiError('already_reacted');
    return {};
  },

  'reactions.remove': (args, ctx) => {
    const channel = requireChannel(ctx, args);
    const name = reactionName(args);
    const m = visible(ctx, channel.id, str(args, 'timestamp'));
    if (!ctx.store.removeReaction(m, name, ctx.store.opts.botUserId)) throw new SlackApiError('no_reaction');
    return {};
  },

  'reactions.get': (args, ctx) => {
    const channel = requireChannel(ctx, args);
    const m = visible(ctx, channel.id, str(args, 'timestamp'));
    return { type: 'message', channel: channel.id, message: slackMessage(ctx.store, m, ctx.baseUrl) };
  },
};
