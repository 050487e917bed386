import { TWIN_STEP_PROTOCOL, type TwinStepMessage } from '@doppel/twin/contracts';
import { z } from 'zod';
import { ServerError, ServerErrorCode } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { StepSession } from '../twin/step-session.js';

/**
 * The step protocol on a WebSocket: an external process (a trainer, CARLA, Gazebo, Unity, a custom physics engine)
 * resets and steps fleet simulations one frame at a time. Frames are answered one by one, in the order they came.
 */
export const twinStepRoutes: RoutePlugin = async (app, ctx) => {
  app.route({
    method: 'GET',
    url: '/api/v1/twin/step',
    config: { auth: 'write' },
    handler: async () => {
      throw new ServerError(ServerErrorCode.UpgradeRequired, 'This route is a WebSocket: connect with an upgrade', {
        headers: { upgrade: 'websocket', connection: 'Upgrade' },
      });
    },
    wsHandler: (socket, request) => {
      const session = new StepSession(ctx, principalOf(request).account);
      const send = (message: TwinStepMessage): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      // One frame at a time: a step waits for the reset before it, whatever the peer sends meanwhile.
      let turn: Promise<void> = Promise.resolve();
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? null : String(data);
        turn = turn.then(async () =>
          send(
            text === null
              ? { type: 'error', code: ServerErrorCode.MalformedBody, message: 'Send text frames of JSON', path: null }
              : await session.handle(text),
          ),
        );
      });
      socket.on('close', () => {
        turn = turn.then(() => session.close());
      });
      send({ type: 'hello', protocol: TWIN_STEP_PROTOCOL });
    },
    schema: {
      hide: true,
      tags: ['twin'],
      summary: 'WebSocket: the step protocol (reset, step with commands, observations) for external simulators',
      querystring: z.strictObject({ key: z.string().optional() }),
    },
  });
};
