import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** The API serves JSON; the docs page needs its own scripts and styles. */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", 'https:'], imgSrc: ["'self'", 'data:'] } },
};

/**
 * The headers helmet sets with these options, worked out once: helmet's own middleware run
 * against a response that only records them. They depend on the options alone.
 */
export function securityHeadersOf(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  } as unknown as ServerResponse;
  helmet(options)(Object.create(null) as IncomingMessage, recorder, (error?: unknown) => {
    if (error instanceof Error) throw error;
  });
  return Object.fromEntries(headers);
}

/**
 * Helmet's headers on every answer. @fastify/helmet built helmet's middleware again on every
 * request (parsing the CSP directives each time, in two hooks): that showed in the profile
 * under load. The same headers, computed at start, set by one synchronous hook.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions = SECURITY_HEADER_OPTIONS): void {
  const headers = Object.entries(securityHeadersOf(options));
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
