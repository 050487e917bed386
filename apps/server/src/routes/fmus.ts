import { createHash } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import { FmiError, readFmu } from '@doppel/bridge-fmi';
import { idString } from '@doppel/twin';
import { fmuSchema, fmuSummarySchema, problemSchema } from '@doppel/twin/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newId, type FmuRow } from '@doppel/catalog';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { FmuFiles } from '../fmus/fmu-files.js';
import { fmuSummaryView, fmuView, storedDescription } from '../fmus/fmu-view.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';

const fmuParams = z.strictObject({ fmuId: idString() });
const FILE_FIELD = 'file';
const MAX_FILE_NAME = 200;

/** The upload's form, for the OpenAPI document only: the handler reads the stream itself, bounding it as it comes. */
const uploadForm = z.object({
  [FILE_FIELD]: z
    .string()
    .meta({ format: 'binary' })
    .describe('The .fmu archive (FMI 2.0 or 3.0 co-simulation, with a binary for Linux x86-64)'),
});

/** The name an upload is known by: the file name the client sent, without folders or control characters. */
function uploadName(sent: string | undefined): string {
  const base = (sent ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' ? 'upload.fmu' : clean.slice(0, MAX_FILE_NAME);
}

/**
 * Errors of reading a multipart body as the problems the client gets: the stream's bounds (413), a body that is not
 * multipart (415), and anything else the form parser met (a form cut short, a bad boundary: 400). Everything that
 * can fail while receiving is the client's body, so nothing here is a 5xx.
 */
function uploadError(error: unknown, limitBytes: number): ServerError {
  if (error instanceof ServerError) return error;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ServerError(
        ServerErrorCode.PayloadTooLarge,
        `body.${FILE_FIELD}: the FMU is larger than ${limitBytes} bytes (the server's upload limit)`,
      );
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ServerError(ServerErrorCode.PayloadTooLarge, 'The form has more parts than an FMU upload needs');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ServerError(
        ServerErrorCode.UnsupportedMediaType,
        `Send multipart/form-data with the FMU in a field named "${FILE_FIELD}"`,
      );
    default:
      return new ServerError(
        ServerErrorCode.MalformedBody,
        `The body is not a readable multipart form${error instanceof Error ? `: ${error.message}` : ''}`,
      );
  }
}

/**
 * FMUs per account: upload (multipart, validated before anything is stored), list, read, delete. The archive is kept
 * as uploaded in the data directory and what its modelDescription.xml says in the catalog. Another account's FMU
 * answers 404, like a missing one.
 */
export const fmuRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['fmus'];
  const limits = ctx.config.limits;
  const catalog = ctx.catalog.fmus;
  const files = new FmuFiles(ctx.config.dataDir);

  // Multipart bodies are accepted by these routes only, and bounded while they stream in: one file, a few fields.
  await app.register(fastifyMultipart, {
    limits: { fileSize: limits.fmuUploadLimitBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  });

  const ownedFmu = async (request: FastifyRequest, id: string): Promise<FmuRow> => {
    const row = await catalog.owned(principalOf(request).account.id, id);
    if (row === null) throw notFound(`FMU ${id}`);
    return row;
  };

  /** The uploaded archive's name and bytes, or a located 4xx. */
  const receive = async (request: FastifyRequest): Promise<{ name: string; bytes: Buffer }> => {
    try {
      const part = await request.file();
      if (part === undefined)
        throw new ServerError(ServerErrorCode.Validation, `body.${FILE_FIELD}: missing (the form has no file)`, {
          issues: [{ path: `body.${FILE_FIELD}`, message: 'missing: the form has no file part' }],
        });
      if (part.fieldname !== FILE_FIELD)
        throw new ServerError(ServerErrorCode.Validation, `body.${part.fieldname}: unknown field`, {
          issues: [{ path: `body.${part.fieldname}`, message: `unknown field; send the FMU as "${FILE_FIELD}"` }],
        });
      const bytes = await part.toBuffer();
      return { name: uploadName(part.filename), bytes };
    } catch (error) {
      throw uploadError(error, limits.fmuUploadLimitBytes);
    }
  };

  app.post(
    '/api/v1/fmus',
    {
      schema: {
        tags,
        summary: 'Upload an FMU (multipart/form-data, the archive in the field "file")',
        description:
          'The archive is validated before anything is stored: a zip within the size limits, modelDescription.xml of FMI 2.0 or 3.0 with co-simulation, a binary for Linux x86-64. Errors name the file and the element, with the code DOPPEL_ERR_FMU_*.',
        consumes: ['multipart/form-data'],
        body: uploadForm,
        response: { 201: fmuSchema, 409: problemSchema, 413: problemSchema, 415: problemSchema, 422: problemSchema },
      },
      // The handler reads the multipart stream itself (limits apply as it streams); the schema documents the form.
      validatorCompiler: () => (value: unknown) => ({ value }),
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account.id;
      if ((await catalog.countOf(account)) >= limits.maxFmusPerAccount)
        throw new ServerError(
          ServerErrorCode.LimitExceeded,
          `An account may store at most ${limits.maxFmusPerAccount} FMUs: delete one first`,
        );
      const { name, bytes } = await receive(request);
      let description;
      try {
        description = readFmu(bytes, name, { maxUnpackedBytes: limits.fmuUnpackedLimitBytes }).modelDescription;
      } catch (error) {
        if (!(error instanceof FmiError)) throw error;
        const element = typeof error.details?.element === 'string' ? error.details.element : undefined;
        throw new ServerError(error.code, error.message, {
          status: 422,
          issues: [{ path: `body.${FILE_FIELD}`, message: error.message, ...(element ? { found: element } : {}) }],
        });
      }
      const stored = storedDescription(description);
      const row: FmuRow = {
        id: newId('fmu'),
        account_id: account,
        name,
        fmi_version: stored.fmiVersion,
        model_name: stored.modelName,
        size_bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        variable_count: stored.variables.length,
        description_json: JSON.stringify(stored),
        created_at: new Date().toISOString(),
      };
      files.write(row.id, bytes);
      try {
        await catalog.insert(row);
      } catch (error) {
        files.remove(row.id);
        throw error;
      }
      return reply.code(201).send(fmuView(row));
    },
  );

  app.get(
    '/api/v1/fmus',
    {
      schema: {
        tags,
        summary: "The account's FMUs (without their variables)",
        response: { 200: z.array(fmuSummarySchema) },
      },
    },
    async (request) => (await catalog.list(principalOf(request).account.id)).map(fmuSummaryView),
  );

  app.get(
    '/api/v1/fmus/:fmuId',
    {
      schema: {
        tags,
        summary: 'An FMU: capabilities, default experiment and variables',
        params: fmuParams,
        response: { 200: fmuSchema, 404: problemSchema },
      },
    },
    async (request) => fmuView(await ownedFmu(request, request.params.fmuId)),
  );

  app.delete(
    '/api/v1/fmus/:fmuId',
    {
      schema: { tags, summary: 'Delete an FMU', params: fmuParams },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const id = request.params.fmuId;
      if (!(await catalog.delete(principalOf(request).account.id, id))) throw notFound(`FMU ${id}`);
      files.remove(id);
      return reply.code(204).send();
    },
  );
};
