/** Slack mrkdwn to safe HTML: every piece of text is escaped before any tag is added. */

export interface MrkdwnContext {
  userName(id: string): string;
  channelName(id: string): string;
}

const EMOJI: Record<string, string> = {
  eyes: '👀',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  fire: '🔥',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  tada: '🎉',
  rocket: '🚀',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  mag: '🔍',
  bell: '🔔',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  stopwatch: '⏱️',
  memo: '📝',
  wrench: '🔧',
  bulb: '💡',
  robot_face: '🤖',
  chart_with_upwards_trend: '📈',
  page_facing_up: '📄',
  lock: '🔒',
  pray: '🙏',
  thinking_face: '🤔',
  slightly_smiling_face: '🙂',
  arrows_counterclockwise: '🔄',
  information_source: 'ℹ️',
  question: '❓',
  bug: '🐛',
  sos: '🆘',
  zzz: '💤',
  telescope: '🔭',
  hammer_and_wrench: '🛠️',
  clipboard: '📋',
  link: '🔗',
  white_circle: '⚪',
  test_tube: '🧪',
};

export function emoji(name: string): string {
  return EMOJI[name.replace(/::skin-tone-\d$/, '')] ?? `:${name}:`;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Slack itself escapes &, < and > in message text; undo that before escaping for HTML. */
function unslack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Links a person can follow: web and mail only, never javascript: or data:. */
export function isSafeLink(url: string): boolean {
  return /^(https?:|mailto:)/i.test(url);
}

/** Image sources: web URLs or this server's own paths (uploaded files). */
export function isSafeImage(url: string): boolean {
  return /^https?:/i.test(url) || /^\/(?!\/)/.test(url);
}

/** Replaces :shortcodes: in already-escaped text. */
export function emojify(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]+(?:::skin-tone-\d)?):/g, (all, name: string) => {
    const e = emoji(name);
    return e.startsWith(':') ? all : e;
  });
}

/** Plain text objects: escaped, emoji shortcodes converted, line breaks kept. */
export function plainToHtml(text: string): string {
  return emojify(escapeHtml(text)).replace(/\n/g, '<br>');
}

export function mrkdwnToHtml(text: string, ctx: MrkdwnContext): string {
  const token = /```([\s\S]*?)```|`([^`\n]+)`|<([^<>\n]+)>/g;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(token)) {
    const before = text.slice(last, m.index);
    const end = (m.index ?? 0) + m[0].length;
    last = end;
    if (m[1] !== undefined) {
      // A code block is its own paragraph: the line breaks around it would only add blank lines.
      out += `${inline(before.replace(/\n$/, ''))}<pre>${escapeHtml(unslack(m[1].replace(/^\n/, '')))}</pre>`;
      if (text[end] === '\n') last += 1;
    } else {
      out += inline(before) + (m[2] !== undefined ? `<code>${escapeHtml(unslack(m[2]))}</code>` : angle(m[3], ctx));
    }
  }
  return out + inline(text.slice(last));
}

function inline(raw: string): string {
  return emojify(escapeHtml(unslack(raw)))
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1<b>$2</b>')
    .replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?!\w)/g, '$1<i>$2</i>')
    .replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, '$1<s>$2</s>')
    .replace(/^&gt; ?(.*)(\n|$)/gm, '<blockquote>$1</blockquote>')
    .replace(/\n/g, '<br>');
}

/** <@U123>, <#C123|name>, <!here>, <!subteam^S1|@oncall>, <!date^…|fallback>, <url|label>. */
function angle(inner: string, ctx: MrkdwnContext): string {
  const [target, label] = splitOnce(inner, '|');
  const mention = (text: string) => `<span class="mention">${escapeHtml(text)}</span>`;
  if (target.startsWith('@')) return mention(`@${label ?? ctx.userName(target.slice(1))}`);
  if (target.startsWith('#')) return mention(`#${label ?? ctx.channelName(target.slice(1))}`);
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (['here', 'channel', 'everyone'].includes(special)) return mention(`@${special}`);
    if (special.startsWith('date^')) return escapeHtml(unslack(label ?? ''));
    return label ? mention(unslack(label)) : escapeHtml(special);
  }
  const url = unslack(target);
  const text = escapeHtml(unslack(label ?? target));
  if (!isSafeLink(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
