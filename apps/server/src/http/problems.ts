import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_REPORTED_ISSUES } from '@doppel/twin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { makeProblem, problemOf, ServerErrorCode, type Problem, type ProblemIssue } from '../errors.js';
import { isStorageFailure, storageError } from '../storage-errors.js';
import type { App } from './types.js';

interface ZodIssueParams {
  readonly keys?: readonly string[];
  readonly expected?: string;
  readonly received?: string;
  readonly values?: readonly unknown[];
}

/** Schema validation issues as located problem issues: `body.duration_seconds`, `query.limit`, `body.extra_field`. */
function validationIssues(error: FastifyError & { validationContext?: string }): ProblemIssue[] {
  const context = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
  const issues: ProblemIssue[] = [];
  for (const item of error.validation ?? []) {
    const base = [context, ...item.instancePath.split('/').filter(Boolean)].join('.');
    const params = item.params as ZodIssueParams;
    if (item.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
      for (const key of params.keys) issues.push({ path: `${base}.${key}`, message: 'unknown field' });
      continue;
    }
    issues.push({
      path: base,
      message: item.message ?? 'invalid value',
      ...(params.expected !== undefined ? { expected: String(params.expected) } : {}),
      ...(Array.isArray(params.values) ? { expected: params.values.map(String).join(', ') } : {}),
    });
  }
  return issues;
}

function send(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Every error leaves as application/problem+json with a stable code; never a stack trace. */
export function registerProblemHandlers(app: App, dataDir: string): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(error) || error.validation !== undefined) {
      const issues = validationIssues(error);
      const listed = issues.slice(0, MAX_REPORTED_ISSUES);
      const detail = listed.map((issue) => `${issue.path}: ${issue.message}`).join('; ') || 'Invalid request';
      return send(reply, makeProblem(422, ServerErrorCode.Validation, detail, issues));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, makeProblem(413, ServerErrorCode.PayloadTooLarge, 'The request body exceeds the size limit'));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return send(
        reply,
        makeProblem(415, ServerErrorCode.UnsupportedMediaType, 'Send application/json (or YAML for scenarios)'),
      );
    }
    if (
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      (error instanceof SyntaxError && error.statusCode === 400)
    ) {
      return send(reply, makeProblem(400, ServerErrorCode.MalformedBody, 'The request body is not valid JSON'));
    }
    if (error.statusCode === 429) {
      const retry = reply.getHeader('retry-after');
      return send(
        reply,
        makeProblem(429, ServerErrorCode.RateLimited, `Too many requests: retry in ${String(retry ?? '?')} s`),
      );
    }
    // The catalog (SQLite) refused a write: the disk is full or read-only. Named, and answered 507 or 503.
    const located = isStorageFailure(error) ? storageError(error, dataDir, 'write to the data directory') : error;
    const { problem, headers } = problemOf(located);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return send(reply, problem, headers);
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, makeProblem(404, ServerErrorCode.NotFound, `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/**
 * Errors of the router before a request reaches a route (Fastify's `frameworkErrors`): a URL that cannot be decoded,
 * a path parameter longer than the router accepts.
 */
export function frameworkErrorProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? makeProblem(414, ServerErrorCode.UriTooLong, 'A path segment of the URL is longer than the server accepts')
      : error.code === 'FST_ERR_BAD_URL'
        ? makeProblem(400, ServerErrorCode.BadRequest, 'The URL is not valid (a malformed percent-encoding?)')
        : makeProblem(400, ServerErrorCode.BadRequest, 'The request could not be routed');
  void send(reply, problem);
}

/**
 * Errors of Node's HTTP parser, before Fastify sees a request (the server's `clientError` event): headers or a URL
 * too large, a malformed request line, a client that does not send its whole request in time. Answered as
 * problem+json on the raw socket, which is then closed.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
      ? makeProblem(408, ServerErrorCode.RequestTimeout, 'The request was not received in full in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? makeProblem(431, ServerErrorCode.HeadersTooLarge, 'The URL and headers exceed the size limit')
        : makeProblem(400, ServerErrorCode.BadRequest, 'The request could not be read as HTTP');
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
