import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type InputRefusal, MAX_BODY_DEPTH, hasForbiddenCharacter, invalidCharacters, refusalOf } from '../inputRules.js';

/**
 * The one JSON body parser of the app, and the same character rule for the headers, route
 * parameters and query string of every request (see inputRules.ts).
 *
 * The body is parsed by Fastify's own parser (secure-json-parse: `__proto__` and
 * `constructor.prototype` are still refused, empty and malformed bodies still answer Fastify's
 * 400 codes), then walked once, iteratively, for depth and characters. Only JSON is taken: the
 * default text/plain parser goes, so any other media type answers 415.
 */
export function registerJsonBody(app: FastifyInstance, options: Readonly<{ maxDepth?: number }> = {}): void {
  const maxDepth = options.maxDepth ?? MAX_BODY_DEPTH;
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs 'string' hands over a string; the parser's type also allows a Buffer.
    void parse(request, typeof body === 'string' ? body : body.toString('utf8'), (error, document: unknown) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const refusal = refusalOf(document, maxDepth);
      if (refusal) done(refusal, undefined);
      else done(null, document);
    });
  });

  // Before authentication (registered first): what is refused here names no resource.
  app.addHook('onRequest', (request, _reply, done) => {
    done(refusalOutsideBody(request) ?? undefined);
  });
}

/**
 * Real HTTP parsers already refuse control characters in headers; requests built in process
 * (`inject`, the sync route's dispatch) and percent-encoded URLs are not held to that.
 */
function refusalOutsideBody(request: FastifyRequest): InputRefusal | null {
  for (const [name, value] of Object.entries(request.headers)) {
    for (const item of [value ?? []].flat()) {
      if (typeof item === 'string' && hasForbiddenOrBreak(item)) return invalidCharacters(`header ${name}`);
    }
  }
  for (const [where, values] of [['param', request.params], ['query', request.query]] as const) {
    if (values === null || typeof values !== 'object') continue;
    for (const [name, value] of Object.entries(values)) {
      for (const item of [value ?? []].flat()) {
        if (typeof item === 'string' && (hasForbiddenCharacter(item) || hasForbiddenCharacter(name))) return invalidCharacters(`${where} ${name}`);
      }
    }
  }
  return null;
}

/** A header value is one line: line breaks in one are header injection. */
function hasForbiddenOrBreak(value: string): boolean {
  return hasForbiddenCharacter(value) || value.includes('\n') || value.includes('\r');
}
