import { z } from 'zod';
import type { App } from '../http/types.js';
import type { ServerContext } from '../context.js';

/**
 * WebSocket per simulation: ledger events (with seq) and KPI snapshots. Authenticate with the key in `?key=`, or
 * offer the subprotocols `doppel` and `doppel-key.<key>`. Reconnect with `afterSeq` = the last seq received.
 */
export function streamRoutes(app: App, ctx: ServerContext): void {
  app.get(
    '/api/v1/simulations/:simId/stream',
    {
      websocket: true,
      schema: {
        tags: ['stream'],
        summary: 'WebSocket: ledger events, KPI snapshots, status and intervention notices',
        params: z.strictObject({ simId: z.string() }),
        querystring: z.strictObject({
          key: z.string().optional(),
          afterSeq: z.coerce.number().int().min(0).optional().describe('Resume after this seq (0 = from the start)'),
        }),
      },
    },
    async (socket, request) => {
      const { afterSeq } = request.query as { afterSeq?: number };
      const simId = (request.params as { simId: string }).simId;
      try {
        await ctx.hub.attach(socket, simId, afterSeq);
      } catch (error) {
        socket.send(JSON.stringify({ type: 'error', message: error instanceof Error ? error.message : 'unavailable' }));
        socket.close(1011, 'simulation unavailable');
      }
    },
  );
}
