import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import express from 'express';
import { signSlackRequest } from '../../sandbox/slack/signature.js';
import { slackReplayGuard } from '../../server/slack-request-guard.js';

// The replay guard alone, with a clock the test moves: what it remembers, for how long, and how much.
const secret = 'guard-secret';
let clock = 1_800_000_000_000;
const handled: string[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post('/slack/events', slackReplayGuard({ signingSecret: secret, bodyLimit: 1024, maxEntries: 3, now: () => clock }), (req: express.Request, res: express.Response) => {
    handled.push((req as unknown as { rawBody: Buffer }).rawBody.toString());
    res.status(200).send('handled');
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => { handled.length = 0; });

const send = (body: string, ts = Math.floor(clock / 1000), signature = signSlackRequest(secret, ts, body)) => fetch(url, {
  method: 'POST', body, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
});

test('a signed request passes once, with its raw body handed on; the same bytes again are refused', async () => {
  const ts = Math.floor(clock / 1000);
  expect((await send('{"n":1}', ts)).status).toBe(200);
  expect((await send('{"n":1}', ts)).status).toBe(401);
  expect(handled).toEqual(['{"n":1}']);
});

test('unsigned requests are not remembered (Bolt refuses them), so they cannot crowd out real ones', async () => {
  // The real request first: ten unsigned ones after it would push it out of a 3-entry memory if they were remembered.
  const ts = Math.floor(clock / 1000);
  expect((await send('{"n":2}', ts)).status).toBe(200);
  for (let i = 0; i < 10; i += 1) expect((await send(`{"junk":${i}}`, undefined, 'v0=00')).status).toBe(200);
  expect((await send('{"n":2}', ts)).status).toBe(401);
});

test('a signature is remembered until its timestamp is stale, after which the timestamp itself is refused', async () => {
  const ts = Math.floor(clock / 1000);
  expect((await send('{"n":3}', ts)).status).toBe(200);
  clock += 299_000;
  expect((await send('{"n":3}', ts)).status).toBe(401);
  clock += 2_000;
  expect((await send('{"n":3}', ts)).status).toBe(401);
  // A body never seen before with that stale timestamp: refused for the timestamp alone.
  expect((await send('{"n":5}', ts)).status).toBe(401);
  // A timestamp from the future would outlive the memory: refused.
  expect((await send('{"n":4}', Math.floor(clock / 1000) + 301)).status).toBe(401);
  expect(handled).toEqual(['{"n":3}']);
});

test('memory is bounded: past maxEntries the oldest signatures are forgotten', async () => {
  const ts = Math.floor(clock / 1000);
  for (let i = 0; i < 5; i += 1) expect((await send(`{"m":${i}}`, ts)).status).toBe(200);
  // Only the newest three are held; the oldest has been forgotten.
  expect((await send('{"m":4}', ts)).status).toBe(401);
  expect((await send('{"m":0}', ts)).status).toBe(200);
});

test('an oversized body gets 413 with a JSON error and no stack trace', async () => {
  const res = await send(JSON.stringify({ pad: 'x'.repeat(2048) }));
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({ error: 'body is larger than 1024 bytes' });
});
