import Anthropic from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk';
import { MessagesApiTestServer } from '../../../sandbox/anthropic/server.js';

const KEY = 'sk-ant-test-key';
let server: MessagesApiTestServer;
let client: Anthropic;

beforeEach(async () => {
  server = new MessagesApiTestServer({ apiKey: KEY });
  await server.start();
  client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
});
afterEach(() => server.stop());

const tool = { name: 'pods_log', description: 'Reads logs', input_schema: { type: 'object' as const, properties: { pod: { type: 'string' } } } };
const ask = (content = 'Why is cart crashing?') => [{ role: 'user' as const, content }];

test('a scripted tool_use turn, then the tool_result, then end_turn with text', async () => {
  server.script([
    [{ type: 'text', text: 'Reading the logs.' }, { type: 'tool_use', name: 'pods_log', input: { pod: 'cart-1' } }],
    [{ type: 'text', text: 'Redis refuses connections.' }],
  ]);
  const first = await client.messages.create({ model: 'claude-test', max_tokens: 512, tools: [tool], messages: ask() });
  expect(first).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'tool_use' });
  expect(first.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
  const use = first.content.find((b) => b.type === 'tool_use')!;
  expect(use).toMatchObject({ type: 'tool_use', name: 'pods_log', input: { pod: 'cart-1' } });
  expect(use.type === 'tool_use' && use.id).toMatch(/^toolu_01/);

  const second = await client.messages.create({
    model: 'claude-test', max_tokens: 512, tools: [tool],
    messages: [
      ...ask(),
      { role: 'assistant', content: first.content.map((b) => (b.type === 'tool_use' ? { type: 'tool_use' as const, id: b.id, name: b.name, input: b.input } : { type: 'text' as const, text: (b as { text: string }).text })) },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as { id: string }).id, content: 'panic: connection refused' }] },
    ],
  });
  expect(second.stop_reason).toBe('end_turn');
  expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'Redis refuses connections.' })]);
  expect(server.answeredRequests).toHaveLength(2);
  // SDK 1.x sends the API key as a bearer token.
  expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
  expect(server.requests[1].headers['anthropic-version']).toBeTruthy();
});

test('a wrong key is a 401 authentication_error; no key or no anthropic-version is refused too', async () => {
  const bad = new Anthropic({ apiKey: 'sk-wrong', baseURL: server.url, maxRetries: 0 });
  const err = await bad.messages.create({ model: 'm', max_tokens: 10, messages: ask() }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  expect((err as APIError).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

  const body = JSON.stringify({ model: 'm', max_tokens: 10, messages: ask() });
  const noKey = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body });
  expect(noKey.status).toBe(401);
  expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
  const noVersion = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body });
  expect(noVersion.status).toBe(400);
  server.script([[{ type: 'text', text: 'hi' }]]);
  const curl = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }, body });
  expect(curl.status).toBe(200);
  expect(server.answeredRequests).toHaveLength(1);
  server.clearRecords();
  expect(server.answeredRequests).toHaveLength(0);
});

test.each([
  ['no max_tokens', { model: 'm', messages: ask() }, 'max_tokens: Field required'],
  ['no model', { max_tokens: 5, messages: ask() }, 'model: Field required'],
  ['no messages', { model: 'm', max_tokens: 5, messages: [] }, 'messages'],
  ['a tool_result without its tool_use', {
    model: 'm', max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }],
  }, 'toolu_nope'],
  ['a tool_use left unanswered', {
    model: 'm', max_tokens: 5,
    messages: [...ask(), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'pods_log', input: {} }] }, { role: 'user', content: 'go on' }],
  }, 'toolu_a'],
  ['a tool_choice naming no tool', { model: 'm', max_tokens: 5, tools: [tool], tool_choice: { type: 'tool', name: 'kubectl' }, messages: ask() }, 'kubectl'],
  ['five cache breakpoints', {
    model: 'm', max_tokens: 5,
    messages: [{ role: 'user', content: [1, 2, 3, 4, 5].map((n) => ({ type: 'text', text: `t${n}`, cache_control: { type: 'ephemeral' } })) }],
  }, 'A maximum of 4 blocks with cache_control'],
])('%s is a 400 invalid_request_error', async (_name, body, message) => {
  server.script([[{ type: 'text', text: 'never sent' }]]);
  const err = await client.messages.create(body as never).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  const payload = (err as APIError).error as { error: { type: string; message: string } };
  expect(payload.error.type).toBe('invalid_request_error');
  expect(payload.error.message).toContain(message);
  expect(server.requests.map((r) => [r.status, JSON.parse(r.raw)])).toEqual([[400, body]]);
});

test('usage estimates input from the request and reports cache reads for a repeated cache_control prefix', async () => {
  server.script(() => [{ type: 'text', text: 'ok' }]);
  const system = [{ type: 'text' as const, text: 'You are Lookout. '.repeat(200), cache_control: { type: 'ephemeral' as const } }];
  const first = await client.messages.create({ model: 'm', max_tokens: 50, system, messages: ask('first') });
  expect(first.usage.cache_read_input_tokens).toBe(0);
  expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(800);
  const second = await client.messages.create({ model: 'm', max_tokens: 50, system, messages: ask('second question') });
  expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  expect(second.usage.cache_creation_input_tokens).toBe(0);
  expect(second.usage.input_tokens).toBeGreaterThan(0);
  expect(second.usage.input_tokens).toBeLessThan(50);
  // Without cache_control nothing is read from the cache, whatever was sent before.
  const plain = await client.messages.create({ model: 'm', max_tokens: 50, system: system[0].text, messages: ask('first') });
  expect(plain.usage.cache_read_input_tokens).toBe(0);
  expect(plain.usage.input_tokens).toBeGreaterThan(800);
});

test('failNext: 429 with retry-after, 500 and 529 overloaded_error; the SDK retries them', async () => {
  server.script(() => [{ type: 'text', text: 'ok' }]);
  server.failNext(429);
  const limited = await client.messages.create({ model: 'm', max_tokens: 5, messages: ask() }).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
  expect((limited as APIError).headers?.get('retry-after')).toBe('0');

  server.failNext(529);
  const overloaded = await client.messages.create({ model: 'm', max_tokens: 5, messages: ask() }).catch((e: unknown) => e);
  expect((overloaded as APIError).status).toBe(529);
  expect((overloaded as APIError).error).toMatchObject({ error: { type: 'overloaded_error' } });

  server.failNext(500, 2);
  const retrying = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 2 });
  const ok = await retrying.messages.create({ model: 'm', max_tokens: 5, messages: ask() });
  expect(ok.content[0]).toMatchObject({ text: 'ok' });
  expect(server.requests.slice(-3).map((r) => r.status)).toEqual([500, 500, 200]);
});

test('max_tokens cuts the scripted answer; an exhausted script is a non-retryable 500', async () => {
  server.script([[{ type: 'text', text: 'word '.repeat(100) }, { type: 'tool_use', name: 'pods_log', input: {} }]]);
  const cut = await client.messages.create({ model: 'm', max_tokens: 10, messages: ask() });
  expect(cut.stop_reason).toBe('max_tokens');
  expect(cut.usage.output_tokens).toBe(10);
  expect(cut.content).toHaveLength(1);
  const retrying = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 2 });
  const err = await retrying.messages.create({ model: 'm', max_tokens: 10, messages: ask() }).catch((e: unknown) => e);
  expect((err as APIError).status).toBe(500);
  expect(server.requests).toHaveLength(2);
});
