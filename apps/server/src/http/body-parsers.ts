import { MAX_NESTING_DEPTH } from '@doppel/twin';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { App } from './types.js';

/**
 * Offset of the first bracket nested deeper than `limit` in JSON text, or -1. A linear scan that never recurses:
 * JSON.parse copes with any depth, but everything after it (schema validation, the structured clone to a
 * simulation's worker thread, canonical JSON) recurses once per level.
 */
export function jsonTooDeepAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1;
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > limit) return index;
    } else if (code === 0x5d || code === 0x7d) depth -= 1;
  }
  return -1;
}

const yamlTypes = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * JSON bodies are bounded in depth before they are parsed; YAML bodies (scenarios) are handed as text to the one
 * YAML reader, which bounds them itself. Both keep Fastify's body size limit.
 */
export function registerBodyParsers(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const at = jsonTooDeepAt(text, MAX_NESTING_DEPTH);
    if (at !== -1) {
      done(
        new ServerError(
          ServerErrorCode.InputLimit,
          `The request body is nested more than ${MAX_NESTING_DEPTH} levels deep (the limit), at character ${at + 1}`,
        ),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
  app.addContentTypeParser(yamlTypes, { parseAs: 'string' }, (_request, body, done) => done(null, { scenario: body }));
}
