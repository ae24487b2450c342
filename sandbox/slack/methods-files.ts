import { fileUrl, slackFile } from './slack-shapes.js';
import { slackId } from './store.js';
import { parseMultipart } from './http-util.js';
import { SlackApiError, int, list, requireChannel, str } from './web-api.js';
import type { MethodHandler } from './web-api.js';
import type { SlackStore } from './store.js';
import type { EmulatedFileRef } from './types.js';

/** The three-step upload WebClient.filesUploadV2 performs: get a URL, POST the bytes there, complete. */

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  pdf: 'application/pdf',
};

export function guessMimetype(name: string, bytes?: Buffer): string {
  if (bytes?.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return MIME_BY_EXT[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/**
 * Stores bytes POSTed to an upload URL. WebClient sends multipart/form-data (the bytes as a file part);
 * other clients may send the raw bytes, which Slack also accepts. Returns false for an unknown file ID.
 */
export function receiveUpload(
  store: SlackStore,
  fileId: string,
  contentType: string | undefined,
  body: Buffer,
): boolean {
  const file = store.files.get(fileId);
  if (!file || file.bytes) return false;
  const parts = contentType?.includes('multipart/form-data') ? parseMultipart(body, contentType) : [];
  const bytes = parts.length ? (parts.find((p) => p.filename !== undefined) ?? parts[0]).data : body;
  file.bytes = Buffer.from(bytes);
  file.size = bytes.length;
  file.mimetype = guessMimetype(file.name, file.bytes);
  return true;
}

export const fileMethods: Record<string, MethodHandler> = {
  'files.getUploadURLExternal': (args, ctx) => {
    const filename = str(args, 'filename');
    const length = int(args, 'length', -1);
    if (!filename || length < 0) throw new SlackApiError('invalid_arguments');
    const id = slackId('F');
    ctx.store.files.set(id, {
      id,
      name: filename,
      title: filename,
      altText: str(args, 'alt_text'),
      mimetype: guessMimetype(filename),
      size: length,
      created: Math.floor(Date.now() / 1000),
      user: ctx.store.opts.botUserId,
    });
    return { upload_url: `${ctx.baseUrl}/upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (args, ctx) => {
    const { files } = args;
    if (!Array.isArray(files) || files.length === 0) throw new SlackApiError('invalid_arguments');
    const refs = files as { id?: string; title?: string }[];
    const stored = refs.map((ref) => {
      const file = ctx.store.files.get(ref.id ?? '');
      if (!file?.bytes) throw new SlackApiError('file_not_found');
      if (ref.title) file.title = ref.title;
      return file;
    });
    const channelRef = str(args, 'channel_id') ?? list(args, 'channels')[0];
    if (channelRef) {
      const channel = requireChannel(ctx, { channel: channelRef });
      if (!channel.members.includes(ctx.store.opts.botUserId)) throw new SlackApiError('not_in_channel');
      const threadTs = str(args, 'thread_ts');
      const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
      const fileRefs: EmulatedFileRef[] = stored.map((f) => ({
        id: f.id,
        title: f.title,
        name: f.name,
        url: fileUrl(ctx.baseUrl, f.id),
      }));
      const { botUserId, botId } = ctx.store.opts;
      ctx.store.addMessage({
        channel: channel.id,
        threadTs: threadTs && ctx.store.find(channel.id, threadTs) ? threadTs : undefined,
        text: str(args, 'initial_comment') ?? '',
        user: botUserId,
        botId,
        blocks,
        files: fileRefs,
      });
    }
    return { files: stored.map((f) => slackFile(f, ctx.baseUrl)) };
  },

  'files.info': (args, ctx) => {
    const file = ctx.store.files.get(str(args, 'file') ?? '');
    if (!file) throw new SlackApiError('file_not_found');
    return { file: slackFile(file, ctx.baseUrl) };
  },
};
