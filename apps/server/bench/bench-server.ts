/** The server under test, in its own process: prints {url, key} as one JSON line, then serves until killed. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/index.js';

const { app, context } = await buildApp({
  dataDir: mkdtempSync(join(tmpdir(), 'doppel-bench-')),
  logLevel: false,
  webDir: null,
  limits: { rateLimitMax: 10_000_000, maxEventsPerRun: 500_000_000 },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
const key = (await context.catalog.createAccount('bench', ['read', 'write'])).key;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, key, dataDir: context.config.dataDir })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
