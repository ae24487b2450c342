import type { SlackStore } from './store.js';
import type { EmulatedMessage, StoredChannel, StoredFile, StoredUser } from './types.js';

/** Converts stored records into the JSON shapes Slack's Web API returns. */

export function fileUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/files/${id}`;
}

export function slackFile(f: StoredFile, baseUrl: string): Record<string, unknown> {
  const url = fileUrl(baseUrl, f.id);
  return {
    id: f.id,
    created: f.created,
    timestamp: f.created,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.name.split('.').pop() ?? 'binary',
    user: f.user,
    size: f.size,
    mode: 'hosted',
    is_external: false,
    url_private: url,
    url_private_download: url,
    permalink: url,
    alt_txt: f.altText,
  };
}

export function slackMessage(store: SlackStore, m: EmulatedMessage, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'message', ts: m.ts, text: m.text, team: store.opts.teamId };
  if (m.user) out.user = m.user;
  if (m.botId) {
    out.bot_id = m.botId;
    if (m.user === store.opts.botUserId) out.app_id = store.opts.appId;
    else out.subtype = 'bot_message';
  }
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.files) {
    out.files = m.files.map((ref) => {
      const f = store.files.get(ref.id);
      return f ? slackFile(f, baseUrl) : { id: ref.id, title: ref.title };
    });
    out.upload = true;
  }
  if (m.edited) out.edited = { user: m.user, ts: m.ts };
  if (m.reactions.length)
    out.reactions = m.reactions.map((r) => ({ name: r.name, users: r.users, count: r.users.length }));
  if (m.threadTs && m.threadTs !== m.ts) {
    out.thread_ts = m.threadTs;
    out.parent_user_id = store.find(m.channel, m.threadTs)?.user;
  }
  const replies = store.thread(m.channel, m.ts).filter((r) => !r.ephemeralFor);
  if (replies.length) {
    const users = [...new Set(replies.map((r) => r.user ?? r.botId ?? ''))].filter(Boolean);
    Object.assign(out, {
      thread_ts: m.ts,
      reply_count: replies.length,
      reply_users: users,
      reply_users_count: users.length,
      latest_reply: replies[replies.length - 1].ts,
    });
  }
  return out;
}

export function slackChannel(store: SlackStore, c: StoredChannel): Record<string, unknown> {
  const isMember = c.members.includes(store.opts.botUserId);
  if (c.kind === 'im') {
    return {
      id: c.id,
      created: c.created,
      is_im: true,
      is_org_shared: false,
      user: c.imUser,
      is_user_deleted: false,
      priority: 0,
    };
  }
  const topic = { value: '', creator: '', last_set: 0 };
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: c.kind === 'channel',
    is_group: false,
    is_im: false,
    is_mpim: c.kind === 'mpim',
    is_private: c.isPrivate,
    created: c.created,
    creator: c.creator,
    is_archived: c.isArchived === true,
    is_general: false,
    is_shared: false,
    is_org_shared: false,
    is_member: isMember,
    num_members: c.members.length,
    topic,
    purpose: topic,
    context_team_id: store.opts.teamId,
  };
}

/** A person as users.info shows them; `email` only for a token with users:read.email, as in Slack. */
export function slackUser(store: SlackStore, u: StoredUser, withEmail = false): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    real_name: u.realName,
    display_name: u.name,
    real_name_normalized: u.realName,
    team: store.opts.teamId,
  };
  if (withEmail && u.email) profile.email = u.email;
  return {
    id: u.id,
    team_id: store.opts.teamId,
    name: u.name,
    real_name: u.realName,
    deleted: false,
    is_bot: u.isBot,
    is_admin: u.isAdmin === true,
    is_owner: u.isOwner === true,
    is_primary_owner: u.isPrimaryOwner === true,
    is_restricted: false,
    is_ultra_restricted: false,
    is_app_user: false,
    tz: 'UTC',
    tz_offset: 0,
    profile,
  };
}
