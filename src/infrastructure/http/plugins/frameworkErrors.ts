import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.js';

/**
 * Answers Fastify would otherwise write itself, before any route or error handler runs, in its
 * own JSON shape: a URL that does not decode (400) or a path parameter over the router's limit
 * (414). Given to Fastify as its `frameworkErrors` option.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  const detail = status === 414 ? 'A path segment of the URL is too long.' : 'The URL is not valid.';
  const code = status === 414 ? 'URI_TOO_LONG' : 'INVALID_URL';
  void reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    // The URL itself is not echoed: it is what could not be read.
    .send(problem(status, { title: status === 414 ? 'URI Too Long' : 'Bad Request', detail, code }));
}

/**
 * Errors of the connection itself (a malformed request line, headers over Node's limit, a
 * timeout), answered on the socket as problem+json in place of Fastify's default JSON.
 * Given to Fastify as its `clientErrorHandler` option.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers are larger than the server takes.']
        : error.code === 'HPE_URI_TOO_LONG'
          ? [414, 'URI_TOO_LONG', 'The URL is too long.']
          : [400, 'MALFORMED_REQUEST', 'The request is not valid HTTP.'];
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify(problem(status, { title, detail, code }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
