import { idString } from '@doppel/twin';
import {
  machineModelInputSchema,
  machineModelSchema,
  modelLayoutSchema,
  problemSchema,
  processModelSchema,
  projectInputSchema,
  projectPatchSchema,
  projectSchema,
  type MachineModel,
  type Project,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import { newId, type MachineModelRow, type ProjectRow } from '@doppel/catalog';
import { notFound } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { accountFmus } from '../fmus/fmu-components.js';
import { assertModelCompiles } from './model-check.js';
import { assertLayoutFits, documentOf, layoutFor } from './model-layout.js';

const projectParams = z.strictObject({ id: idString() });
const modelParams = z.strictObject({ id: idString() });
const errors = { 404: problemSchema, 422: problemSchema };
/** A whole model in the body: its parts at `body.components` and `body.connections`. */
const wholeBody = { components: 'body.components', connections: 'body.connections' } as const;

function projectView(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function modelView(row: MachineModelRow): MachineModel {
  const doc = documentOf(row);
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    components: doc.components,
    connections: doc.connections,
    layout: doc.layout,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Modelling projects per account and their machine models (the process pack's components and connections, stored
 * as one document). Another account's project or model answers 404, like a missing one. Every save compiles the
 * model against the process pack first: a model that would not run is refused (422, located), never stored, so
 * the editor saves a whole model when a change spans components and connections (a removed component's wires).
 */
export const projectRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['projects'];
  const models = ctx.catalog.models;

  const ownedProject = async (request: Parameters<typeof principalOf>[0], id: string): Promise<ProjectRow> => {
    const row = await models.ownedProject(principalOf(request).account.id, id);
    if (row === null) throw notFound(`Project ${id}`);
    return row;
  };
  const ownedModel = async (request: Parameters<typeof principalOf>[0], id: string): Promise<MachineModelRow> => {
    const row = await models.ownedModel(principalOf(request).account.id, id);
    if (row === null) throw notFound(`Model ${id}`);
    return row;
  };

  // Another account's project or model answers 404 before the body is validated, as the server's tenancy hook does
  // for the other resources, so a body error never reveals that the id exists.
  app.addHook('preValidation', async (request) => {
    const id = (request.params as { id?: string }).id;
    if (id === undefined || request.principal === null) return;
    const route = request.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/projects/')) await ownedProject(request, id);
    else if (route.startsWith('/api/v1/models/')) await ownedModel(request, id);
  });

  app.get(
    '/api/v1/projects',
    { schema: { tags, summary: "The account's modelling projects", response: { 200: z.array(projectSchema) } } },
    async (request) => (await models.listProjects(principalOf(request).account.id)).map(projectView),
  );

  app.post(
    '/api/v1/projects',
    {
      schema: {
        tags,
        summary: 'Create a modelling project',
        body: projectInputSchema,
        response: { 201: projectSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const now = new Date().toISOString();
      const row: ProjectRow = {
        id: newId('prj'),
        account_id: principalOf(request).account.id,
        name: request.body.name,
        description: request.body.description ?? null,
        created_at: now,
        updated_at: now,
      };
      await models.insertProject(row);
      return reply.code(201).send(projectView(row));
    },
  );

  app.get(
    '/api/v1/projects/:id',
    {
      schema: {
        tags,
        summary: 'A modelling project',
        params: projectParams,
        response: { 200: projectSchema, 404: problemSchema },
      },
    },
    async (request) => projectView(await ownedProject(request, request.params.id)),
  );

  app.patch(
    '/api/v1/projects/:id',
    {
      schema: {
        tags,
        summary: "Change a project's name or description",
        params: projectParams,
        body: projectPatchSchema,
        response: { 200: projectSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const account = principalOf(request).account.id;
      const updated = await models.updateProject(account, request.params.id, {
        ...(request.body.name !== undefined ? { name: request.body.name } : {}),
        ...(request.body.description !== undefined ? { description: request.body.description } : {}),
        updated_at: new Date().toISOString(),
      });
      if (!updated) throw notFound(`Project ${request.params.id}`);
      return projectView(await ownedProject(request, request.params.id));
    },
  );

  app.delete(
    '/api/v1/projects/:id',
    {
      schema: {
        tags,
        summary: 'Delete a project with its models',
        params: projectParams,
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      if (!(await models.deleteProject(principalOf(request).account.id, request.params.id)))
        throw notFound(`Project ${request.params.id}`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/projects/:id/models',
    {
      schema: {
        tags,
        summary: "A project's machine models",
        params: projectParams,
        response: { 200: z.array(machineModelSchema), 404: problemSchema },
      },
    },
    async (request) => {
      const project = await ownedProject(request, request.params.id);
      return (await models.modelsOf(project.id)).map(modelView);
    },
  );

  app.post(
    '/api/v1/projects/:id/models',
    {
      schema: {
        tags,
        summary: 'Add a machine model (components and connections) to a project',
        params: projectParams,
        body: machineModelInputSchema,
        response: { 201: machineModelSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const project = await ownedProject(request, request.params.id);
      await assertModelCompiles(request.body, wholeBody, accountFmus(ctx.catalog, project.account_id));
      const layout = request.body.layout ?? { nodes: {}, viewport: null };
      assertLayoutFits(layout, request.body.components, 'body.layout');
      const now = new Date().toISOString();
      const row: MachineModelRow = {
        id: newId('mdl'),
        account_id: project.account_id,
        project_id: project.id,
        name: request.body.name,
        description: request.body.description ?? null,
        model_json: JSON.stringify({
          components: request.body.components,
          connections: request.body.connections,
          layout,
        }),
        created_at: now,
        updated_at: now,
      };
      await models.insertModel(row);
      return reply.code(201).send(modelView(row));
    },
  );

  app.get(
    '/api/v1/models/:id',
    {
      schema: {
        tags,
        summary: 'A machine model',
        params: modelParams,
        response: { 200: machineModelSchema, 404: problemSchema },
      },
    },
    async (request) => modelView(await ownedModel(request, request.params.id)),
  );

  app.put(
    '/api/v1/models/:id',
    {
      schema: {
        tags,
        summary: 'Replace a machine model',
        params: modelParams,
        body: machineModelInputSchema,
        response: { 200: machineModelSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const account = principalOf(request).account.id;
      await assertModelCompiles(request.body, wholeBody, accountFmus(ctx.catalog, account));
      const { components, connections } = request.body;
      if (request.body.layout !== undefined) assertLayoutFits(request.body.layout, components, 'body.layout');
      const layout =
        request.body.layout ?? layoutFor(documentOf(await ownedModel(request, request.params.id)).layout, components);
      const updated = await models.updateModel(account, request.params.id, {
        name: request.body.name,
        description: request.body.description ?? null,
        model_json: JSON.stringify({ components, connections, layout }),
        updated_at: new Date().toISOString(),
      });
      if (!updated) throw notFound(`Model ${request.params.id}`);
      return modelView(await ownedModel(request, request.params.id));
    },
  );

  app.delete(
    '/api/v1/models/:id',
    {
      schema: { tags, summary: 'Delete a machine model', params: modelParams },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      if (!(await models.deleteModel(principalOf(request).account.id, request.params.id)))
        throw notFound(`Model ${request.params.id}`);
      return reply.code(204).send();
    },
  );

  // A model's components and its connections, each read and replaced on its own (the editor saves them apart).
  for (const part of ['components', 'connections'] as const) {
    const partSchema = processModelSchema.shape[part];
    app.get(
      `/api/v1/models/:id/${part}`,
      {
        schema: {
          tags,
          summary: `A machine model's ${part}`,
          params: modelParams,
          response: { 200: partSchema, 404: problemSchema },
        },
      },
      async (request) => modelView(await ownedModel(request, request.params.id))[part],
    );
    app.put(
      `/api/v1/models/:id/${part}`,
      {
        schema: {
          tags,
          summary: `Replace a machine model's ${part}`,
          params: modelParams,
          body: partSchema,
          response: { 200: partSchema, ...errors },
        },
        config: { auth: 'write' },
      },
      async (request) => {
        const view = modelView(await ownedModel(request, request.params.id));
        const doc = { components: view.components, connections: view.connections, [part]: request.body };
        const fmus = accountFmus(ctx.catalog, principalOf(request).account.id);
        await assertModelCompiles(doc, { components: null, connections: null, [part]: 'body' }, fmus);
        const updated = await models.updateModel(principalOf(request).account.id, view.id, {
          // Removed components leave the layout with their wires.
          model_json: JSON.stringify({ ...doc, layout: layoutFor(view.layout, doc.components) }),
          updated_at: new Date().toISOString(),
        });
        if (!updated) throw notFound(`Model ${request.params.id}`);
        return doc[part];
      },
    );
  }

  // The canvas layout alone: moving a component or the view changes nothing the model computes, so it is saved
  // without compiling the model (its components must exist, though).
  app.get(
    '/api/v1/models/:id/layout',
    {
      schema: {
        tags,
        summary: "Where the canvas draws a machine model's components, and its view",
        params: modelParams,
        response: { 200: modelLayoutSchema, 404: problemSchema },
      },
    },
    async (request) => modelView(await ownedModel(request, request.params.id)).layout,
  );
  app.put(
    '/api/v1/models/:id/layout',
    {
      schema: {
        tags,
        summary: "Replace a machine model's canvas layout",
        params: modelParams,
        body: modelLayoutSchema,
        response: { 200: modelLayoutSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const row = await ownedModel(request, request.params.id);
      const doc = documentOf(row);
      assertLayoutFits(request.body, doc.components, 'body');
      const updated = await models.updateModel(principalOf(request).account.id, row.id, {
        model_json: JSON.stringify({ ...doc, layout: request.body }),
        updated_at: new Date().toISOString(),
      });
      if (!updated) throw notFound(`Model ${request.params.id}`);
      return request.body;
    },
  );
};
