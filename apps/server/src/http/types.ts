import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal, Scope } from '@doppel/catalog';
import type { ServerContext } from '../context.js';

/** The Fastify instance with zod schemas as its type provider. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * A route file: an encapsulated Fastify plugin registered with `app.register(plugin, context)`. The server context
 * arrives as the plugin's options; hooks, error handlers and the zod compilers come from the root instance.
 */
export type RoutePlugin = FastifyPluginAsync<ServerContext, RawServerDefault, ZodTypeProvider>;

/** Who may call a route: nobody needs a key for `public`, otherwise the key needs that scope. */
export type RouteAuth = 'public' | Scope;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}
