import { idString } from '@doppel/twin';
import {
  experimentInputSchema,
  experimentSchema,
  experimentSummarySchema,
  problemSchema,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';

const experimentParams = z.strictObject({ experimentId: idString() });

/**
 * Experiments per account (`doppel experiment run` on the server): the experiment's YAML text, checked with located
 * errors, run in the background with progress, and its results: each output at each design point with its
 * confidence interval, and each point against the baseline, paired on common random numbers.
 */
export const experimentRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['experiments'];
  const runs = ctx.experiments;

  app.get(
    '/api/v1/experiments',
    {
      schema: {
        tags,
        summary: "The account's experiments, newest first (without their text and results)",
        response: { 200: z.array(experimentSummarySchema) },
      },
    },
    async (request) => runs.list(principalOf(request).account.id),
  );

  app.post(
    '/api/v1/experiments',
    {
      schema: {
        tags,
        summary: 'Run an experiment (YAML text, as doppel experiment run reads it)',
        description:
          'The text is checked first: a 422 DOPPEL_ERR_EXPERIMENT_INVALID lists every problem with its line, column and field path. The experiment is queued and runs in the background (one at a time over the server); follow it with GET /api/v1/experiments/{experimentId}.',
        body: experimentInputSchema,
        response: { 201: experimentSchema, 409: problemSchema, 422: problemSchema, 503: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) =>
      reply.code(201).send(await runs.create(principalOf(request).account.id, request.body.yaml)),
  );

  app.get(
    '/api/v1/experiments/:experimentId',
    {
      schema: {
        tags,
        summary: 'An experiment: status, progress, and its results with confidence intervals once it succeeded',
        params: experimentParams,
        response: { 200: experimentSchema, 404: problemSchema },
      },
    },
    async (request) => runs.get(principalOf(request).account.id, request.params.experimentId),
  );

  app.post(
    '/api/v1/experiments/:experimentId/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a queued or running experiment (409 once it has finished)',
        params: experimentParams,
        response: { 200: experimentSchema, 404: problemSchema, 409: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request) => runs.cancel(principalOf(request).account.id, request.params.experimentId),
  );

  app.delete(
    '/api/v1/experiments/:experimentId',
    {
      schema: {
        tags,
        summary: 'Delete an experiment (cancelled first if it has not finished)',
        params: experimentParams,
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      await runs.delete(principalOf(request).account.id, request.params.experimentId);
      return reply.code(204).send();
    },
  );
};
