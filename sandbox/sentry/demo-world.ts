/**
 * The Sentry side of the demo world: the cart service's Redis connection errors, as Sentry's API v0 reports them.
 */
import type { SentryWorld, StoredEvent, StoredIssue } from './types.js';

export const DEMO_ORG = 'lookout';
export const DEMO_PROJECT = 'cart';
export const DEMO_ISSUE_ID = '4821';
export const DEMO_EVENT_ID = '9fac2ceed9344f2bbfdd1fdacb0ed9b1';

/** A Node.js stack as Sentry stores it: oldest frame first, the throwing frame last. */
function redisFrames(): StoredEvent['entries'] {
  const frame = (fn: string, file: string, line: number, inApp: boolean, code?: string) => ({
    function: fn, module: file.replace(/\.js$/, '').replace(/\//g, '.'), filename: file, absPath: `/srv/app/${file}`,
    lineNo: line, colNo: 11, inApp, context: code ? [[line, `    ${code}`] as [number, string]] : [],
  });
  return [{
    type: 'exception',
    data: {
      values: [{
        type: 'Error',
        value: 'connect ECONNREFUSED 10.0.3.7:6379',
        mechanism: { type: 'onunhandledrejection', handled: false },
        stacktrace: {
          frames: [
            frame('processTicksAndRejections', 'node:internal/process/task_queues', 95, false),
            frame('Server.handle', 'node_modules/express/lib/router/index.js', 284, false),
            frame('CartController.get', 'src/cart/controller.js', 42, true, 'const cart = await this.cache.get(id);'),
            frame('RedisCache.get', 'src/cache/redis.js', 18, true, 'await this.connect();'),
            frame('RedisClient.connect', 'node_modules/redis/dist/lib/client/index.js', 512, false),
            frame('TCPConnectWrap.afterConnect', 'node:net', 1555, false),
          ],
        },
      }],
    },
  }];
}

const issue: StoredIssue = {
  id: DEMO_ISSUE_ID,
  shortId: 'CART-1A',
  title: 'Error: connect ECONNREFUSED 10.0.3.7:6379',
  culprit: 'RedisCache.get(src/cache/redis)',
  level: 'error',
  status: 'unresolved',
  count: '1284',
  userCount: 311,
  firstSeen: '2026-11-21T06:58:12Z',
  lastSeen: '2026-11-21T07:14:40Z',
  platform: 'node',
  project: { id: '7', name: 'cart', slug: DEMO_PROJECT, platform: 'node' },
  tags: [{ key: 'environment', name: 'Environment', totalValues: 1284, topValues: [{ key: 'environment', value: 'production', count: 1284 }] }],
};

function event(eventID: string, dateCreated: string): StoredEvent {
  return {
    id: eventID,
    eventID,
    groupID: DEMO_ISSUE_ID,
    projectID: '7',
    project: DEMO_PROJECT,
    'event.type': 'error',
    title: issue.title!,
    message: '',
    culprit: issue.culprit!,
    location: 'src/cache/redis.js',
    platform: 'node',
    dateCreated,
    user: null,
    tags: [
      { key: 'environment', value: 'production' },
      { key: 'level', value: 'error' },
      { key: 'release', value: 'cart@2.14.0' },
      { key: 'server_name', value: 'cart-7d9f8b6c5-x2k4p' },
    ],
    entries: redisFrames(),
  };
}

/** A fresh copy each time, so tests can change it freely. */
export function demoSentryWorld(): SentryWorld {
  return structuredClone({
    issues: [issue],
    events: [
      event(DEMO_EVENT_ID, '2026-11-21T07:14:40Z'),
      event('0d1c4b3a2f1e4d5c9b8a7f6e5d4c3b2a', '2026-11-21T07:02:05Z'),
    ],
    attachments: [{
      project: DEMO_PROJECT,
      eventId: DEMO_EVENT_ID,
      items: [{
        id: '1', name: 'heap-summary.txt', type: 'event.attachment', mimetype: 'text/plain', size: 2048,
        dateCreated: '2026-11-21T07:14:41Z', sha1: 'b0f1c4e4d5f1a9a0f3f3e7a0c1d2e3f4a5b6c7d8', headers: { 'Content-Type': 'text/plain' },
      }],
    }],
  });
}
