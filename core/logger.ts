import { pino, type Logger as PinoLogger } from 'pino';
import { redact } from './redact.js';

export type Logger = PinoLogger;

/** One structured logger for the server, worker and scripts; secrets are redacted by key name. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['token', '*.token', 'botToken', '*.botToken', 'authorization', '*.authorization', 'headers.authorization', 'password', '*.password'],
      censor: '[redacted]',
    },
    hooks: {
      // Key names cannot reach inside a message string: the Slack client's debug lines print whole request bodies
      // (oauth.v2.access carries client_secret), so strings get the same redaction the LLM's input gets.
      logMethod(args, method) {
        return method.apply(this, args.map((a: unknown) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
      },
    },
  });
}
