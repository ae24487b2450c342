import {
  colourMeaning, knownSeverity, plain, toParsed, withKubernetesAliases, type BlockView, type MessageView, type SourceParser,
} from './message.js';

/**
 * Sentry's Slack integration, issue alerts (getsentry/sentry src/sentry/integrations/slack/message_builder/issues.py):
 * - Block Kit (current): a section `:red_circle: <…/issues/<id>/?referrer=slack&alert_rule_id=…|*<title>*>` whose
 *   block_id is `{"issue":<id>,…}`, a context block with the culprit, a ``` quote of the event message, a tags section
 *   ``environment: `production`  level: `error` ``, counts, action buttons and a footer context
 *   `Project: <…|slug>    Alert: <…|rule>    Short ID: SLUG-1Z`; message text `[slug] <title>…`. Resolving from
 *   Slack rewrites the message: `:white_circle:` and a section `*Issue resolved by <@U…>*`.
 * - Attachments (legacy): title, title_link `…/issues/<id>/?referrer=slack`, text, fields (tags), footer
 *   `SLUG-1Z via <…|rule>`, fallback `[slug] <title>`, callback_id `{"issue":<id>}`, colour by level.
 */
interface Issue {
  title: string; url: string; id: string; culprit: string; message: string; project: string; shortId: string;
  rule: string; level: string; resolved: boolean; tags: Record<string, string>;
}

const ISSUE_URL = /\/issues\/(\d+)/;
const TITLE = /^((?::[a-z0-9_+-]+:\s*)*)<(https?:\/\/[^|<>\s]+)\|([^<>]*)>/;
const EMOJI_LEVEL: Record<string, string> = {
  ':red_circle:': 'error', ':large_yellow_circle:': 'warning', ':large_blue_circle:': 'info', ':bug:': 'debug',
};
const RESOLVED = /\bIssue resolved\b/i;

function looksLikeSentry(view: MessageView, url: string, id: string): boolean {
  return /sentry/i.test(view.botName) || /^https?:\/\/[^/]*sentry/i.test(url) || id.includes('"issue"');
}

function tagsIn(raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const m of raw.matchAll(/([\w.:-]+): `([^`]*)`/g)) tags[m[1]] ??= plain(m[2]).trim();
  return tags;
}

function fromBlocks(view: MessageView): Issue | undefined {
  const first = view.blocks.findIndex((b) => b.type === 'section' && TITLE.test(b.texts[0] ?? ''));
  if (first === -1) return undefined;
  const head = TITLE.exec(view.blocks[first].texts[0])!;
  const idMatch = ISSUE_URL.exec(head[2]);
  if (!idMatch || !looksLikeSentry(view, head[2], view.blocks[first].blockId)) return undefined;
  const issue: Issue = {
    title: plain(head[3]).replace(/^\*|\*$/g, '').trim(), url: plain(head[2]), id: idMatch[1], culprit: '', message: '',
    project: /^\[([^\]]+)\]/.exec(view.text)?.[1] ?? '', shortId: '', rule: '', tags: {},
    level: EMOJI_LEVEL[head[1].trim().split(/\s+/)[0]] ?? '', resolved: false,
  };
  for (const b of view.blocks.slice(first + 1)) readBlock(b, issue);
  return issue;
}

function readBlock(b: BlockView, issue: Issue): void {
  const raw = b.texts.join('\n');
  if (b.type === 'context' && /^Project:/.test(raw)) {
    issue.project = plain(/Project:\s*(<[^>]*>|\S+)/.exec(raw)?.[1] ?? issue.project);
    issue.shortId = /Short ID:\s*(\S+)/.exec(raw)?.[1] ?? '';
    issue.rule = plain(/Alert:\s*(<[^>]*>|\S+)/.exec(raw)?.[1] ?? '');
  } else if (b.type === 'context' && !issue.culprit && !/^(State|Events|Users Affected|First Seen|Suggested|Suspect)\b/.test(raw)) {
    issue.culprit = plain(raw).trim();
  } else if (b.type === 'section' && raw.startsWith('```')) {
    issue.message = plain(raw.replace(/^```|```$/g, '')).trim();
  } else if (b.type === 'section' && RESOLVED.test(raw)) {
    issue.resolved = true;
  } else if (b.type === 'section' && (b.blockId.includes('tags') || /^\s*[\w.:-]+: `/.test(raw))) {
    issue.tags = { ...tagsIn(raw), ...issue.tags };
  }
}

function fromAttachments(view: MessageView): Issue | undefined {
  for (const a of view.attachments) {
    const id = ISSUE_URL.exec(a.titleLink)?.[1];
    if (!id || !/^https?:\/\//.test(a.titleLink) || !looksLikeSentry(view, a.titleLink, a.callbackId)) continue;
    const tags = Object.fromEntries(a.fields.filter((f) => f.title).map((f) => [f.title, plain(f.value).trim()]));
    const colour = colourMeaning(a.color);
    const text = a.text.split('\n').filter((l) => !RESOLVED.test(l)).join('\n');
    return {
      title: plain(a.title).trim(), url: a.titleLink, id, culprit: '', message: plain(text).trim(),
      project: /^\[([^\]]+)\]/.exec(a.fallback)?.[1] ?? '', shortId: /^\S+/.exec(a.footer)?.[0] ?? '',
      rule: plain(/\bvia\s+(.*)$/.exec(a.footer)?.[1] ?? ''), tags, resolved: RESOLVED.test(a.text),
      level: tags.level ?? (colour === 'critical' ? 'error' : colour === 'resolved' ? '' : colour ?? ''),
    };
  }
  return undefined;
}

export const parseSentryMessage: SourceParser = (view, where) => {
  const issue = fromBlocks(view) ?? fromAttachments(view);
  if (!issue || !issue.title) return undefined;
  const level = (issue.tags.level || issue.level || 'error').toLowerCase();
  const labels: Record<string, string> = { issue_id: issue.id, level };
  if (issue.project) labels.project = issue.project;
  if (issue.tags.environment) labels.environment = issue.tags.environment;
  if (issue.shortId) labels.short_id = issue.shortId;
  // Other tags (release, url, browser, …) vary from event to event of one issue, so they are annotations.
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(issue.tags)) if (!(k in labels)) annotations[`tag_${k}`] = v;
  if (issue.culprit) annotations.culprit = issue.culprit;
  if (issue.rule) annotations.rule = issue.rule;
  return toParsed('sentry', [{
    status: issue.resolved ? 'resolved' : 'firing',
    name: issue.title,
    severity: level === 'debug' ? 'info' : knownSeverity(level) ?? 'warning',
    summary: issue.title,
    description: [issue.culprit, issue.message].filter(Boolean).join('\n'),
    labels,
    annotations,
    generatorURL: issue.url,
    targetLabels: withKubernetesAliases({ ...issue.tags, ...labels }),
  }], view, where);
};
