import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, webClient } from './support.js';

// A 1x1 PNG: enough for the emulator to recognise, store, serve and show an image.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

test('filesUploadV2 uploads the bytes and shares them in a thread', async () => {
  const client = webClient(emulator);
  const parent = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'latency spike' });
  const res = await client.filesUploadV2({
    channel_id: 'C0ALERTS',
    thread_ts: parent.ts!,
    file: PNG,
    filename: 'latency.png',
    title: 'p99 latency',
    initial_comment: 'last hour',
  });
  expect(res.ok).toBe(true);
  expect(emulator.calls.map((c) => c.method).slice(-2)).toEqual([
    'files.getUploadURLExternal',
    'files.completeUploadExternal',
  ]);
  const [reply] = emulator.thread('C0ALERTS', parent.ts!);
  expect(reply).toMatchObject({
    text: 'last hour',
    user: 'U0LOOKOUT',
    files: [{ title: 'p99 latency', name: 'latency.png' }],
  });
  const fileId = reply.files![0].id;
  expect(reply.files![0].url).toBe(`${emulator.url}/files/${fileId}`);
  expect(emulator.file(fileId)).toMatchObject({ mimetype: 'image/png', size: PNG.length });

  const served = await fetch(reply.files![0].url);
  expect(served.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

  const html = await (await fetch(`${emulator.url}/sandbox?channel=C0ALERTS`)).text();
  expect(html).toContain(`<img src="/files/${fileId}" alt="p99 latency"`);
});

test('text content uploads work and completing an unknown file fails like Slack', async () => {
  const client = webClient(emulator);
  await client.filesUploadV2({ channel_id: 'C0ALERTS', content: 'line 1\nline 2', filename: 'pod.log' });
  const message = emulator.messages('C0ALERTS').at(-1)!;
  const served = await fetch(message.files![0].url);
  expect(await served.text()).toBe('line 1\nline 2');
  expect(served.headers.get('content-type')).toBe('text/plain');
  await expect(
    client.files.completeUploadExternal({ files: [{ id: 'F0MISSING' }], channel_id: 'C0ALERTS' }),
  ).rejects.toMatchObject({
    data: { ok: false, error: 'file_not_found' },
  });
  await expect(fetch(`${emulator.url}/files/F0MISSING`)).resolves.toMatchObject({ status: 404 });
});
