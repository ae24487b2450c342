/**
 * Log text for the demo cart pod: a Go service that gives up when its Redis cache refuses connections at start-up.
 * main() recovers panics to print the stack and os.Exit(1), which is why the pod reports exit code 1, not Go's 2.
 */
const REDIS = 'cart-redis.shop.svc.cluster.local:6379';
const REFUSED = 'dial tcp 10.0.3.7:6379: connect: connection refused';

/** One container run that started at `startedAt` (ms) and died about two seconds later. */
export function crashRunLog(startedAt: number): string {
  const ts = (ms: number) => (startedAt + ms) / 1000;
  const line = (ms: number, level: string, caller: string, msg: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ level, ts: ts(ms), caller, msg, ...extra });
  const attempts = [1, 2, 3].map((attempt) =>
    line(180 + attempt * 500, 'warn', 'cache/redis.go:64', 'redis not reachable, retrying', {
      attempt,
      addr: REDIS,
      error: REFUSED,
    }),
  );
  return [
    line(0, 'info', 'cart/main.go:41', 'starting cart service', { version: '1.8.2', commit: '9f2c1ab' }),
    line(4, 'info', 'config/config.go:88', 'configuration loaded', { httpAddr: ':8080', redisAddr: REDIS }),
    line(12, 'info', 'cache/redis.go:51', 'connecting to redis', { addr: REDIS, poolSize: 20 }),
    ...attempts,
    line(1_700, 'error', 'cart/main.go:96', 'cache unavailable at start-up, refusing to serve without it', {
      error: REFUSED,
    }),
    `panic: ${REFUSED}`,
    '',
    'goroutine 1 [running]:',
    'runtime/debug.Stack()',
    '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
    'main.main.func1()',
    '\t/src/cmd/cart/main.go:34 +0x6b',
    'panic({0x9c6b20?, 0xc00012e0a0?})',
    '\t/usr/local/go/src/runtime/panic.go:785 +0x132',
    'main.mustConnectCache({0x7ffd3a1c2e4b, 0x26}, 0x3)',
    '\t/src/cmd/cart/main.go:97 +0x1f4',
    'main.main()',
    '\t/src/cmd/cart/main.go:58 +0x2d5',
    '',
  ].join('\n');
}
