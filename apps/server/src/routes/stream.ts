import { idString } from '@doppel/twin';
import { z } from 'zod';
import type { RoutePlugin } from '../http/types.js';
import { ServerError, ServerErrorCode } from '../errors.js';

/**
 * WebSocket per simulation: ledger events (with seq) and KPI snapshots. Authenticate with the key in `?key=`, or
 * offer the subprotocols `doppel` and `doppel-key.<key>`. Reconnect with `afterSeq` = the last seq received.
 */
export const streamRoutes: RoutePlugin = async (app, ctx) => {
  app.route({
    method: 'GET',
    url: '/api/v1/simulations/:simId/stream',
    // A plain GET (no upgrade) is answered like every other error, as problem+json.
    handler: async () => {
      throw new ServerError(ServerErrorCode.UpgradeRequired, 'This route is a WebSocket: connect with an upgrade', {
        headers: { upgrade: 'websocket', connection: 'Upgrade' },
      });
    },
    wsHandler: async (socket, request) => {
      const { afterSeq } = request.query as { afterSeq?: number };
      const simId = (request.params as { simId: string }).simId;
      try {
        await ctx.hub.attach(socket, simId, afterSeq);
      } catch (error) {
        socket.send(JSON.stringify({ type: 'error', message: error instanceof Error ? error.message : 'unavailable' }));
        socket.close(1011, 'simulation unavailable');
      }
    },
    schema: {
      hide: true,
      tags: ['stream'],
      summary: 'WebSocket: ledger events, KPI snapshots, status and intervention notices',
      params: z.strictObject({ simId: idString() }),
      querystring: z.strictObject({
        key: z.string().optional(),
        afterSeq: z.coerce.number().int().min(0).optional().describe('Resume after this seq (0 = from the start)'),
      }),
    },
  });
};
