import type { FastifyRequest } from 'fastify';
import { type Catalog, hasScope, type Principal } from '@doppel/catalog';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { AuthFailureLimiter } from './auth-failures.js';
import type { App } from './types.js';

/** WebSocket clients that cannot set headers offer the key as a subprotocol `doppel-key.<key>` beside `doppel`. */
export const KEY_PROTOCOL_PREFIX = 'doppel-key.';

/** The API key of a request: Authorization Bearer, X-Api-Key, a WebSocket subprotocol, or `?key=` (WebSocket only). */
export function keyOf(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
    return authorization.replace(/^Bearer\s+/i, '').trim();
  }
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const protocols = request.headers['sec-websocket-protocol'];
    if (typeof protocols === 'string') {
      for (const protocol of protocols.split(',').map((p) => p.trim())) {
        if (protocol.startsWith(KEY_PROTOCOL_PREFIX)) return protocol.slice(KEY_PROTOCOL_PREFIX.length);
      }
    }
    const query = request.query as Record<string, unknown> | undefined;
    if (typeof query?.key === 'string') return query.key;
  }
  return null;
}

/** Authenticates every request whose route is not public and checks the scope the route asks for. */
export function registerAuth(app: App, catalog: Catalog, failures: AuthFailureLimiter): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    // API routes need a key unless they say otherwise; the UI's static files and the docs are public.
    const apiRoute = url !== undefined && (url.startsWith('/api/') || url.startsWith('/simulation/'));
    const needed = request.routeOptions.config.auth ?? (apiRoute ? 'read' : 'public');
    const protectedRoute = needed !== 'public' && url !== undefined;
    const now = Date.now();
    const retry = protectedRoute ? failures.retryAfter(request.ip, now) : null;
    if (retry !== null) {
      throw new ServerError(
        ServerErrorCode.RateLimited,
        `Too many failed authentications from this address: retry in ${retry} s`,
        { headers: { 'retry-after': String(retry) } },
      );
    }
    const key = keyOf(request);
    const principal: Principal | null = key === null ? null : await catalog.authenticate(key);
    request.principal = principal;
    if (!protectedRoute) return;
    if (principal === null) {
      failures.fail(request.ip, now);
      throw new ServerError(
        ServerErrorCode.Unauthorized,
        key === null ? 'An API key is required (Authorization: Bearer <key>)' : 'The API key is not valid',
        { headers: { 'www-authenticate': 'Bearer' } },
      );
    }
    if (!hasScope(principal.scopes, needed)) {
      throw new ServerError(ServerErrorCode.Forbidden, `This key lacks the "${needed}" scope`);
    }
  });
}

/** The authenticated principal of a route that requires one. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ServerError(ServerErrorCode.Unauthorized, 'An API key is required');
  return request.principal;
}
