import { newId, type ModelBindingRow } from '@doppel/catalog';
import { idString } from '@doppel/twin';
import {
  modelBindingInputSchema,
  modelBindingSchema,
  problemSchema,
  type MachineModel,
  type ModelBinding,
  type ModelBindingInput,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import { notFound } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { assertBindingFits } from '../hil/binding-check.js';

const tags = ['models'];
const modelParams = z.strictObject({ id: idString() });
const bindingParams = z.strictObject({ id: idString(), bindingId: idString() });
const errors = { 404: problemSchema, 422: problemSchema };

export function bindingView(row: ModelBindingRow): ModelBinding {
  const binding = JSON.parse(row.binding_json) as ModelBindingInput;
  return { id: row.id, modelId: row.model_id, ...binding, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * A machine model's communication bindings: each ties one signal of the model (`component.port`) to one point of a
 * device (an OPC UA node, a Modbus register or coil, an MQTT topic). A binding is checked against the model and its
 * protocol's addressing before it is stored (422, every problem located), so a hardware-in-the-loop run can connect
 * every stored binding. Another account's model or binding answers 404, like a missing one.
 */
export const bindingRoutes: RoutePlugin = async (app, ctx) => {
  const models = ctx.catalog.models;
  const componentsOf = async (accountId: string, modelId: string) => {
    const row = await models.ownedModel(accountId, modelId);
    if (row === null) throw notFound(`Model ${modelId}`);
    return (JSON.parse(row.model_json) as Pick<MachineModel, 'components'>).components;
  };
  const ownedBinding = async (accountId: string, modelId: string, id: string) => {
    const row = await models.ownedBinding(accountId, modelId, id);
    if (row === null) throw notFound(`Binding ${id} of model ${modelId}`);
    return row;
  };

  // Ownership before the body is validated: a body error never reveals that another account's id exists.
  app.addHook('preValidation', async (request) => {
    const params = request.params as { id?: string; bindingId?: string };
    if (params.id === undefined || request.principal === null) return;
    const account = request.principal.account.id;
    await componentsOf(account, params.id);
    if (params.bindingId !== undefined) await ownedBinding(account, params.id, params.bindingId);
  });

  app.get(
    '/api/v1/models/:id/bindings',
    {
      schema: {
        tags,
        summary: "A model's communication bindings, oldest first",
        params: modelParams,
        response: { 200: z.array(modelBindingSchema), 404: problemSchema },
      },
    },
    async (request) => (await models.bindingsOf(principalOf(request).account.id, request.params.id)).map(bindingView),
  );

  app.post(
    '/api/v1/models/:id/bindings',
    {
      schema: {
        tags,
        summary: 'Bind a signal of the model to a point of a device',
        description:
          'Inputs (device → model) feed a source component (`feed.out`); outputs (model → device) read any output port. The endpoint scheme picks the protocol: OPC UA NodeIds, Modbus addresses (`hr:12:f32`; outputs write `hr` or `coil`), MQTT topics with an optional JSON path.',
        params: modelParams,
        body: modelBindingInputSchema,
        response: { 201: modelBindingSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account.id;
      assertBindingFits(request.body, await componentsOf(account, request.params.id));
      const now = new Date().toISOString();
      const row: ModelBindingRow = {
        id: newId('bnd'),
        account_id: account,
        model_id: request.params.id,
        binding_json: JSON.stringify(request.body),
        created_at: now,
        updated_at: now,
      };
      await models.insertBinding(row);
      return reply.code(201).send(bindingView(row));
    },
  );

  app.get(
    '/api/v1/models/:id/bindings/:bindingId',
    {
      schema: {
        tags,
        summary: 'A communication binding',
        params: bindingParams,
        response: { 200: modelBindingSchema, 404: problemSchema },
      },
    },
    async (request) =>
      bindingView(await ownedBinding(principalOf(request).account.id, request.params.id, request.params.bindingId)),
  );

  app.put(
    '/api/v1/models/:id/bindings/:bindingId',
    {
      schema: {
        tags,
        summary: 'Replace a communication binding',
        params: bindingParams,
        body: modelBindingInputSchema,
        response: { 200: modelBindingSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const account = principalOf(request).account.id;
      const { id, bindingId } = request.params;
      assertBindingFits(request.body, await componentsOf(account, id));
      const updated = await models.updateBinding(
        account,
        id,
        bindingId,
        JSON.stringify(request.body),
        new Date().toISOString(),
      );
      if (!updated) throw notFound(`Binding ${bindingId} of model ${id}`);
      return bindingView(await ownedBinding(account, id, bindingId));
    },
  );

  app.delete(
    '/api/v1/models/:id/bindings/:bindingId',
    {
      schema: { tags, summary: 'Delete a communication binding', params: bindingParams },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const { id, bindingId } = request.params;
      if (!(await models.deleteBinding(principalOf(request).account.id, id, bindingId)))
        throw notFound(`Binding ${bindingId} of model ${id}`);
      return reply.code(204).send();
    },
  );
};
