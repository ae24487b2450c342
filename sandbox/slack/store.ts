import { randomBytes } from 'node:crypto';
import type {
  ChannelOption,
  EmulatedMessage,
  StoredChannel,
  StoredFile,
  StoredUser,
  UserGroupOption,
  UserOption,
} from './types.js';

export interface StoreOptions {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
  channels: ChannelOption[];
  users: UserOption[];
  userGroups: UserGroupOption[];
}

/** Slack IDs are uppercase alphanumerics after a one-letter type prefix. */
export function slackId(prefix: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return prefix + [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Slack's ts: seconds '.' microseconds; strictly increasing so it doubles as a message id. */
export class TsClock {
  private lastMicros = 0;

  next(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 100);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }
}

const key = (channel: string, ts: string) => `${channel}/${ts}`;

/** Numeric comparison that survives ts strings of different lengths. */
export function compareTs(a: string, b: string): number {
  return Number(a) - Number(b) || a.localeCompare(b);
}

/** The workspace's state: channels, people, messages and files. Every change bumps `version` for the page. */
export class SlackStore {
  readonly channels = new Map<string, StoredChannel>();
  readonly users = new Map<string, StoredUser>();
  readonly groups: UserGroupOption[];
  readonly files = new Map<string, StoredFile>();
  /** Every message in ts order (ts comes from one strictly increasing clock, so appending keeps the order). */
  private readonly all: EmulatedMessage[] = [];
  /** channel + ts → message, and channel + thread ts → its replies: lookups stay O(1) at tens of thousands of messages. */
  private readonly byKey = new Map<string, EmulatedMessage>();
  private readonly replies = new Map<string, EmulatedMessage[]>();
  readonly clock = new TsClock();
  version = 0;

  constructor(readonly opts: StoreOptions) {
    this.users.set(opts.botUserId, {
      id: opts.botUserId,
      name: opts.botName.toLowerCase(),
      realName: opts.botName,
      isBot: true,
    });
    for (const u of opts.users) this.addUser(u);
    for (const c of opts.channels) this.seedChannel(c);
    this.groups = opts.userGroups.map((g) => ({ ...g, users: [...g.users] }));
  }

  /** Adds or replaces a person; owners count as admins, as users.info reports them. */
  addUser(u: UserOption): StoredUser {
    const owner = u.isOwner === true || u.isPrimaryOwner === true;
    const user: StoredUser = {
      id: u.id,
      name: u.name,
      realName: u.realName ?? u.name,
      isBot: false,
      email: u.email ?? `${u.name}@example.com`,
      isAdmin: u.isAdmin === true || owner,
      isOwner: owner,
      isPrimaryOwner: u.isPrimaryOwner === true,
    };
    this.users.set(u.id, user);
    this.touch();
    return user;
  }

  /** A seeded channel: every seeded person is in it, and the bot too unless `isMember: false`. */
  seedChannel(c: ChannelOption): StoredChannel {
    const people = this.opts.users.map((u) => u.id);
    return this.addChannel({
      id: c.id,
      name: c.name,
      kind: 'channel',
      isPrivate: c.isPrivate ?? false,
      members: c.isMember === false ? people : [this.opts.botUserId, ...people],
      creator: people[0] ?? this.opts.botUserId,
      isArchived: c.isArchived === true,
    });
  }

  /** The bot's DM with a person, if one was opened. */
  imWith(userId: string): StoredChannel | undefined {
    return [...this.channels.values()].find((c) => c.kind === 'im' && c.imUser === userId);
  }

  /** Creates a user group or replaces its handle and members. */
  setUserGroup(group: UserGroupOption): void {
    const copy = { ...group, users: [...group.users] };
    const index = this.groups.findIndex((g) => g.id === group.id);
    if (index >= 0) this.groups[index] = copy;
    else this.groups.push(copy);
    this.touch();
  }

  touch(): void {
    this.version += 1;
  }

  addChannel(c: Omit<StoredChannel, 'created'>): StoredChannel {
    const channel = { ...c, created: Math.floor(Date.now() / 1000) };
    this.channels.set(c.id, channel);
    this.touch();
    return channel;
  }

  /** Accepts an ID, a name or '#name', as chat.postMessage does. */
  channel(ref: string | undefined): StoredChannel | undefined {
    if (!ref) return undefined;
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.kind === 'channel' && c.name === name);
  }

  /** A DM between the bot and one person; the ID is stable so tests can predict it. */
  openIm(userId: string): StoredChannel {
    const existing = this.imWith(userId);
    if (existing) return existing;
    const id = `D${userId.replace(/^[UW]/, '')}`;
    return this.addChannel({
      id,
      name: userId,
      kind: 'im',
      isPrivate: true,
      members: [this.opts.botUserId, userId],
      creator: this.opts.botUserId,
      imUser: userId,
    });
  }

  openMpim(userIds: string[]): StoredChannel {
    const members = [this.opts.botUserId, ...userIds].sort();
    const existing = [...this.channels.values()].find((c) => c.kind === 'mpim' && c.members.join() === members.join());
    if (existing) return existing;
    const name = `mpdm-${members.map((m) => this.users.get(m)?.name ?? m).join('--')}-1`;
    return this.addChannel({
      id: slackId('G'),
      name,
      kind: 'mpim',
      isPrivate: true,
      members,
      creator: this.opts.botUserId,
    });
  }

  /** Stores a message with a fresh ts; a reply to a reply joins the parent's thread, as in Slack. */
  addMessage(m: Omit<EmulatedMessage, 'ts' | 'reactions'>): EmulatedMessage {
    const parent = m.threadTs ? this.find(m.channel, m.threadTs) : undefined;
    const message: EmulatedMessage = {
      ...m,
      threadTs: parent?.threadTs ?? m.threadTs,
      ts: this.clock.next(),
      reactions: [],
    };
    if (message.attachments) message.attachments = structuredClone(message.attachments);
    if (message.blocks) message.blocks = this.withBlockIds(message.blocks);
    this.all.push(message);
    this.byKey.set(key(message.channel, message.ts), message);
    if (message.threadTs && message.threadTs !== message.ts) {
      const thread = key(message.channel, message.threadTs);
      this.replies.set(thread, [...(this.replies.get(thread) ?? []), message]);
    }
    this.touch();
    return message;
  }

  find(channel: string, ts: string): EmulatedMessage | undefined {
    return this.byKey.get(key(channel, ts));
  }

  remove(channel: string, ts: string): boolean {
    const message = this.find(channel, ts);
    if (!message) return false;
    this.all.splice(this.all.indexOf(message), 1);
    this.byKey.delete(key(channel, ts));
    if (message.threadTs) {
      const thread = key(channel, message.threadTs);
      const rest = (this.replies.get(thread) ?? []).filter((m) => m !== message);
      if (rest.length) this.replies.set(thread, rest);
      else this.replies.delete(thread);
    }
    this.touch();
    return true;
  }

  /** A channel's messages (or every message) in ts order. */
  messages(channel?: string): EmulatedMessage[] {
    return channel ? this.all.filter((m) => m.channel === channel) : [...this.all];
  }

  topLevel(channel: string): EmulatedMessage[] {
    return this.messages(channel).filter((m) => !m.threadTs || m.threadTs === m.ts);
  }

  /** A thread's replies in ts order, without its parent. */
  thread(channel: string, threadTs: string): EmulatedMessage[] {
    return [...(this.replies.get(key(channel, threadTs)) ?? [])];
  }

  /** False when that user already reacted with that name (Slack's already_reacted). */
  addReaction(message: EmulatedMessage, name: string, user: string): boolean {
    let reaction = message.reactions.find((r) => r.name === name);
    if (!reaction) message.reactions.push((reaction = { name, users: [] }));
    if (reaction.users.includes(user)) return false;
    reaction.users.push(user);
    this.touch();
    return true;
  }

  /** False when that user had not reacted with that name (Slack's no_reaction). */
  removeReaction(message: EmulatedMessage, name: string, user: string): boolean {
    const reaction = message.reactions.find((r) => r.name === name);
    if (!reaction?.users.includes(user)) return false;
    reaction.users = reaction.users.filter((u) => u !== user);
    if (reaction.users.length === 0) message.reactions = message.reactions.filter((r) => r !== reaction);
    this.touch();
    return true;
  }

  /** Slack fills in a block_id for every block that lacks one; clicks echo it back. */
  withBlockIds(blocks: unknown[]): unknown[] {
    return blocks.map((b) => {
      if (!b || typeof b !== 'object') return b;
      const block = structuredClone(b) as Record<string, unknown>;
      if (typeof block.block_id !== 'string') block.block_id = randomBytes(3).toString('base64url');
      return block;
    });
  }

  userName(id: string): string {
    return this.users.get(id)?.name ?? id;
  }
}
