import { pino, type Logger } from 'pino';
import type { Config } from './config/config.js';

/** JSON lines everywhere except a developer's terminal, which gets pino-pretty. */
export function createLogger(config: Pick<Config, 'logLevel' | 'nodeEnv'>, isTTY = process.stdout.isTTY): Logger {
  const pretty = config.nodeEnv === 'development' && isTTY;
  return pino({
    level: config.logLevel,
    base: { service: 'tillstream' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.pin'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}
