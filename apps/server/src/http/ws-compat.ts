import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Loads @fastify/websocket. It reaches ws through `require('ws').Server`; a loader that resolves `require` with the
 * `import` condition (test runners) hands it the ESM namespace of ws instead, which has no `Server`. Seeding the
 * require cache with ws's CommonJS entry for that path gives it the module it was written for.
 */
export async function loadFastifyWebsocket(): Promise<typeof import('@fastify/websocket').default> {
  const require = createRequire(import.meta.url);
  const resolved = require.resolve('ws');
  if (resolved.endsWith('.mjs') && require.cache[resolved] === undefined) {
    const commonJs = require(join(dirname(resolved), 'index.js')) as unknown;
    require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: commonJs } as NodeJS.Module;
  }
  const module = await import('@fastify/websocket');
  return module.default;
}
