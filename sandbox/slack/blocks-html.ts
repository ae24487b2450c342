import { escapeHtml, isSafeImage, isSafeLink, mrkdwnToHtml, plainToHtml } from './mrkdwn.js';
import type { MrkdwnContext } from './mrkdwn.js';

/** Block Kit and legacy attachments to HTML for the sandbox page, covering the blocks Lookout posts. */

export interface BlockContext extends MrkdwnContext {
  channel: string;
  ts: string;
}

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asStr = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

const ATTACHMENT_COLORS: Record<string, string> = { good: '#2eb67d', warning: '#ecb22e', danger: '#e01e5a' };

function textObject(t: unknown, ctx: BlockContext): string {
  const o = asObj(t);
  return o.type === 'mrkdwn' ? mrkdwnToHtml(asStr(o.text), ctx) : plainToHtml(asStr(o.text));
}

function image(url: unknown, alt: unknown, cls: string): string {
  const src = asStr(url);
  if (!isSafeImage(src)) return `<span class="${cls} img-missing">${escapeHtml(asStr(alt) || 'image')}</span>`;
  return `<img class="${cls}" src="${escapeHtml(src)}" alt="${escapeHtml(asStr(alt))}" loading="lazy">`;
}

function element(el: unknown, ctx: BlockContext): string {
  const e = asObj(el);
  if (e.type === 'button') {
    const style = e.style === 'primary' || e.style === 'danger' ? ` btn-${e.style}` : '';
    const target = `data-channel="${escapeHtml(ctx.channel)}" data-ts="${escapeHtml(ctx.ts)}"`;
    const attrs = `data-action-id="${escapeHtml(asStr(e.action_id))}" ${target}`;
    return `<button type="button" class="btn${style}" ${attrs}>${textObject(e.text, ctx)}</button>`;
  }
  if (e.type === 'image') return image(e.image_url, e.alt_text, 'blk-thumb');
  if (e.type === 'mrkdwn' || e.type === 'plain_text') return `<span>${textObject(e, ctx)}</span>`;
  const label = e.placeholder ? textObject(e.placeholder, ctx) : escapeHtml(asStr(e.type) || 'element');
  return `<span class="blk-inert" title="Not interactive in the sandbox">${label} ▾</span>`;
}

/** rich_text is what Slack stores for typed messages; the page only needs its words. */
function richText(el: unknown): string {
  const e = asObj(el);
  if (e.type === 'text') return plainToHtml(asStr(e.text));
  if (e.type === 'link') return escapeHtml(asStr(e.text) || asStr(e.url));
  if (e.type === 'emoji') return plainToHtml(`:${asStr(e.name)}:`);
  if (e.type === 'user') return `<span class="mention">@${escapeHtml(asStr(e.user_id))}</span>`;
  return asList(e.elements).map(richText).join('');
}

function block(raw: unknown, ctx: BlockContext): string {
  const b = asObj(raw);
  switch (b.type) {
    case 'section': {
      const text = b.text ? `<div>${textObject(b.text, ctx)}</div>` : '';
      const fields = asList(b.fields)
        .map((f) => `<div>${textObject(f, ctx)}</div>`)
        .join('');
      const accessory = b.accessory ? `<div class="blk-accessory">${element(b.accessory, ctx)}</div>` : '';
      const grid = fields ? `<div class="blk-fields">${fields}</div>` : '';
      return `<div class="blk-section"><div class="blk-main">${text}${grid}</div>${accessory}</div>`;
    }
    case 'header':
      return `<div class="blk-header">${textObject(b.text, ctx)}</div>`;
    case 'context':
      return `<div class="blk-context">${asList(b.elements)
        .map((e) => element(e, ctx))
        .join('')}</div>`;
    case 'divider':
      return '<hr class="blk-divider">';
    case 'actions':
      return `<div class="blk-actions">${asList(b.elements)
        .map((e) => element(e, ctx))
        .join('')}</div>`;
    case 'image': {
      const title = b.title ? `<figcaption>${textObject(b.title, ctx)}</figcaption>` : '';
      return `<figure class="blk-image">${title}${image(b.image_url, b.alt_text, 'blk-img')}</figure>`;
    }
    case 'rich_text':
      return `<div class="blk-rich">${richText(b)}</div>`;
    case 'markdown':
      return `<div class="blk-section">${mrkdwnToHtml(asStr(b.text), ctx)}</div>`;
    default:
      return `<div class="blk-inert">[${escapeHtml(asStr(b.type) || 'unknown')} block]</div>`;
  }
}

export function blocksToHtml(blocks: unknown[] | undefined, ctx: BlockContext): string {
  return blocks?.length ? `<div class="blocks">${blocks.map((b) => block(b, ctx)).join('')}</div>` : '';
}

function externalLink(url: string, html: string): string {
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${html}</a>`;
}

function attachmentColor(color: unknown): string {
  const c = asStr(color);
  if (ATTACHMENT_COLORS[c]) return ATTACHMENT_COLORS[c];
  return /^#?[0-9a-f]{3}([0-9a-f]{3})?$/i.test(c) ? `#${c.replace('#', '')}` : '#dddddd';
}

function attachment(raw: unknown, ctx: BlockContext): string {
  const a = asObj(raw);
  const parts: string[] = [];
  if (a.author_name) parts.push(`<div class="att-author">${escapeHtml(asStr(a.author_name))}</div>`);
  if (a.title) {
    const link = asStr(a.title_link);
    const title = escapeHtml(asStr(a.title));
    parts.push(
      `<div class="att-title">${isSafeLink(link) ? externalLink(link, title) : title}</div>`,
    );
  }
  if (a.text) parts.push(`<div class="att-text">${mrkdwnToHtml(asStr(a.text), ctx)}</div>`);
  const fields = asList(a.fields).map((f) => {
    const o = asObj(f);
    const value = mrkdwnToHtml(asStr(o.value), ctx);
    const label = `<b>${escapeHtml(asStr(o.title))}</b>`;
    return `<div class="att-field${o.short ? ' short' : ''}">${label}<div>${value}</div></div>`;
  });
  if (fields.length) parts.push(`<div class="att-fields">${fields.join('')}</div>`);
  if (a.image_url) parts.push(image(a.image_url, a.title, 'blk-img'));
  parts.push(blocksToHtml(asList(a.blocks), ctx));
  if (a.footer) parts.push(`<div class="att-footer">${plainToHtml(asStr(a.footer))}</div>`);
  if (!parts.some(Boolean) && a.fallback) parts.push(escapeHtml(asStr(a.fallback)));
  const pretext = a.pretext ? `<div class="att-pretext">${mrkdwnToHtml(asStr(a.pretext), ctx)}</div>` : '';
  return `${pretext}<div class="att" style="border-left-color:${attachmentColor(a.color)}">${parts.join('')}</div>`;
}

export function attachmentsToHtml(attachments: unknown[] | undefined, ctx: BlockContext): string {
  return attachments?.length ? attachments.map((a) => attachment(a, ctx)).join('') : '';
}
