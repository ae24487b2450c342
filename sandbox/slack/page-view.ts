import { attachmentsToHtml, blocksToHtml } from './blocks-html.js';
import { emoji, escapeHtml, mrkdwnToHtml } from './mrkdwn.js';
import type { BlockContext } from './blocks-html.js';
import type { SlackStore } from './store.js';
import type { EmulatedMessage, StoredChannel } from './types.js';

/** The sandbox page's moving parts (sidebar, channel header, message list), rendered on the server. */

export const QUICK_REACTIONS = ['white_check_mark', 'x', 'eyes', 'warning', 'rotating_light', 'fire'];

export interface ViewOptions {
  store: SlackStore;
  /** Which person the page acts as: decides whose ephemeral messages show and whose reactions are "mine". */
  actingAs: string;
}

export function channelLabel(store: SlackStore, c: StoredChannel): string {
  if (c.kind === 'im') return store.users.get(c.imUser ?? '')?.realName ?? c.imUser ?? c.id;
  if (c.kind === 'mpim')
    return c.members
      .filter((m) => m !== store.opts.botUserId)
      .map((m) => store.userName(m))
      .join(', ');
  return c.name;
}

export function defaultChannel(store: SlackStore): StoredChannel | undefined {
  return [...store.channels.values()].find((c) => c.kind === 'channel') ?? store.channels.values().next().value;
}

export function renderSidebar(store: SlackStore, current: string): string {
  const item = (c: StoredChannel) => {
    const icon = c.kind === 'channel' ? (c.isPrivate ? '🔒' : '#') : '●';
    const active = c.id === current ? ' active' : '';
    const count = store.topLevel(c.id).filter((m) => !m.ephemeralFor).length;
    const badge = count ? `<span class="count">${count}</span>` : '';
    const label = escapeHtml(channelLabel(store, c));
    const id = escapeHtml(c.id);
    const text = `<span class="icon">${icon}</span>${label}${badge}`;
    return `<a class="side-item${active}" href="#${id}" data-channel="${id}">${text}</a>`;
  };
  const all = [...store.channels.values()];
  const channels = all
    .filter((c) => c.kind === 'channel')
    .map(item)
    .join('');
  const dms =
    all
      .filter((c) => c.kind !== 'channel')
      .map(item)
      .join('') || '<div class="side-empty">No conversations yet</div>';
  return `<div class="side-team">${escapeHtml(store.opts.teamName)}</div>
<div class="side-section">Channels</div>${channels}
<div class="side-section">Direct messages</div>${dms}`;
}

export function renderHeader(store: SlackStore, c: StoredChannel | undefined): string {
  if (!c) return '<div class="ch-title">No channel</div>';
  const prefix = c.kind === 'channel' ? (c.isPrivate ? '🔒 ' : '# ') : '';
  const botIn = c.members.includes(store.opts.botUserId);
  const note = botIn ? '' : ` · <span class="warn">${escapeHtml(store.opts.botName)} is not in this channel</span>`;
  const title = `<div class="ch-title">${prefix}${escapeHtml(channelLabel(store, c))}</div>`;
  return `${title}<div class="ch-meta">${c.members.length} members${note}</div>`;
}

function formatTime(ts: string): { short: string; full: string } {
  const d = new Date(Number(ts) * 1000);
  return { short: d.toTimeString().slice(0, 5), full: d.toISOString() };
}

function author(store: SlackStore, m: EmulatedMessage): { name: string; isBot: boolean; key: string } {
  if (m.user === store.opts.botUserId) return { name: store.opts.botName, isBot: true, key: m.user };
  if (m.botId && !m.user) return { name: m.botId, isBot: true, key: m.botId };
  const user = store.users.get(m.user ?? '');
  return { name: user?.realName ?? m.user ?? 'unknown', isBot: !!user?.isBot, key: m.user ?? '' };
}

/** A stable, pleasant avatar colour per author. */
function avatarColor(key: string): string {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 45%)`;
}

function renderFiles(store: SlackStore, m: EmulatedMessage): string {
  const files = (m.files ?? []).map((f) => {
    const href = `/files/${encodeURIComponent(f.id)}`;
    const title = escapeHtml(f.title ?? f.name ?? f.id);
    if (store.files.get(f.id)?.mimetype.startsWith('image/')) {
      const img = `<img src="${href}" alt="${title}" loading="lazy">`;
      return `<a class="file-img" href="${href}" target="_blank">${img}<span>${title}</span></a>`;
    }
    return `<a class="file-chip" href="${href}" target="_blank">📄 ${title}</a>`;
  });
  return files.length ? `<div class="files">${files.join('')}</div>` : '';
}

function renderReactions(store: SlackStore, m: EmulatedMessage, actingAs: string): string {
  if (!m.reactions.length) return '';
  const chips = m.reactions.map((r) => {
    const mine = r.users.includes(actingAs);
    const who = escapeHtml(r.users.map((u) => store.userName(u)).join(', '));
    const attrs = `${messageData(m)} data-react="${escapeHtml(r.name)}"${mine ? ' data-mine="1"' : ''}`;
    const title = `${who} reacted with :${escapeHtml(r.name)}:${mine ? ' (click to remove yours)' : ''}`;
    const label = `${escapeHtml(emoji(r.name))} <span>${r.users.length}</span>`;
    return `<button type="button" class="chip${mine ? ' mine' : ''}" ${attrs} title="${title}">${label}</button>`;
  });
  return `<div class="reactions">${chips.join('')}</div>`;
}

function messageData(m: EmulatedMessage): string {
  return `data-channel="${escapeHtml(m.channel)}" data-ts="${escapeHtml(m.ts)}"`;
}

/** The hover toolbar, as in Slack: quick reactions and "reply in thread". */
function renderTools(m: EmulatedMessage): string {
  if (m.ephemeralFor) return '';
  const quick = QUICK_REACTIONS.map(
    (name) => `<button type="button" ${messageData(m)} data-react="${name}" title=":${name}:">${emoji(name)}</button>`,
  ).join('');
  const summary = '<summary class="tool" title="Add reaction">☺︎+</summary>';
  const picker = `<details class="picker">${summary}<div class="picker-menu">${quick}</div></details>`;
  const isParent = !m.threadTs || m.threadTs === m.ts;
  const reply = isParent
    ? `<button type="button" class="tool" data-reply="${escapeHtml(m.ts)}" title="Reply in thread">💬</button>`
    : '';
  return `<div class="msg-tools">${picker}${reply}</div>`;
}

function renderMessage(view: ViewOptions, m: EmulatedMessage, replies: EmulatedMessage[]): string {
  const { store, actingAs } = view;
  const who = author(store, m);
  const time = formatTime(m.ts);
  const ctx: BlockContext = {
    channel: m.channel,
    ts: m.ts,
    userName: (id) => store.userName(id),
    channelName: (id) => store.channels.get(id)?.name ?? id,
  };
  // Slack shows blocks instead of text when a message has both; text is the notification fallback.
  const body = m.blocks?.length
    ? blocksToHtml(m.blocks, ctx)
    : m.text
      ? `<div class="text">${mrkdwnToHtml(m.text, ctx)}</div>`
      : '';
  const badge = who.isBot ? '<span class="app-badge">APP</span>' : '';
  const edited = m.edited ? '<span class="edited">(edited)</span>' : '';
  const ephemeral = m.ephemeralFor ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '';
  const thread = replies.length ? renderThread(view, m, replies) : '';
  const name = `<span class="author">${escapeHtml(who.name)}</span>`;
  const stamp = `<time datetime="${time.full}" title="${time.full}">${time.short}</time>`;
  const extras = attachmentsToHtml(m.attachments, ctx) + renderFiles(store, m) + renderReactions(store, m, actingAs);
  return `<div class="msg${m.ephemeralFor ? ' ephemeral' : ''}" id="${escapeHtml(`${m.channel}-${m.ts}`)}">
<div class="avatar" style="background:${avatarColor(who.key)}">${escapeHtml(who.name.slice(0, 1).toUpperCase())}</div>
<div class="msg-body"><div class="meta">${name}${badge}${stamp}${edited}</div>
${ephemeral}${body}${extras}${thread}</div>${renderTools(m)}</div>`;
}

function renderThread(view: ViewOptions, parent: EmulatedMessage, replies: EmulatedMessage[]): string {
  const last = formatTime(replies[replies.length - 1].ts).short;
  const n = replies.length;
  const items = replies.map((r) => renderMessage(view, r, [])).join('');
  const count = `<span class="reply-count">${n} ${n === 1 ? 'reply' : 'replies'}</span>`;
  const summary = `<summary>${count} <span class="muted">Last reply ${last}</span></summary>`;
  const open = `<details class="thread" data-thread="${escapeHtml(parent.ts)}" open>`;
  return `${open}${summary}<div class="replies">${items}</div></details>`;
}

export function renderMessages(view: ViewOptions, channel: StoredChannel | undefined): string {
  if (!channel) return '<div class="empty">No channels.</div>';
  const shown = (m: EmulatedMessage) => !m.ephemeralFor || m.ephemeralFor === view.actingAs;
  const top = view.store.topLevel(channel.id).filter(shown);
  if (!top.length) {
    const name = escapeHtml(channelLabel(view.store, channel));
    const intro = `This is the very beginning of <b>${name}</b>.`;
    return `<div class="empty">${intro} What Lookout posts here will show up in this pane.</div>`;
  }
  return top.map((m) => renderMessage(view, m, view.store.thread(channel.id, m.ts).filter(shown))).join('');
}
