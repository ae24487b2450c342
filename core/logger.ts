import { pino, type Logger as PinoLogger } from 'pino';

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
  });
}
