import { ServerError, ServerErrorCode } from '../errors.js';
import type { App } from './types.js';

/** Seconds a refused client is told to wait: a restarted server is back well within it. */
const RETRY_AFTER_S = 5;

/**
 * Graceful close: from the moment the server starts closing (SIGTERM, `app.close()`), requests that are already
 * running finish, while new ones (on connections still open) are refused with problem+json 503
 * DOPPEL_ERR_SHUTTING_DOWN and the connection is closed after the answer. Registered before every other hook, so a
 * refused request costs nothing (no authentication, no rate limit, no worker).
 */
export function registerDrain(app: App): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!draining) return;
    void reply.header('connection', 'close');
    throw new ServerError(
      ServerErrorCode.ShuttingDown,
      'The server is shutting down: requests already running finish, new ones are refused; retry shortly',
      { headers: { 'retry-after': String(RETRY_AFTER_S) } },
    );
  });
}
