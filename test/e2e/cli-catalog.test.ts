import { rmSync } from 'node:fs';
import { freshSchema, postgresAvailable } from '@doppel/catalog/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

// `doppel accounts` works on the catalog the server uses: the SQLite file of a data directory, or PostgreSQL.
describe('doppel accounts', () => {
  const dir = tempDir('accounts');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and lists accounts in a data directory', () => {
    const created = doppel(['accounts', 'create', 'ops', '--data', dir]);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ account: { name: 'ops' }, scopes: ['read', 'write'] });
    const again = doppel(['accounts', 'create', 'ops', '--data', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');
    const listed = doppel(['accounts', 'list', '--data', dir]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'ops' })]);
  });

  it('refuses a catalog URL that is not PostgreSQL, naming the expected form', () => {
    const result = doppel(['accounts', 'list', '--catalog', 'mysql://localhost/x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('postgres://');
    expect(result.stderr).toContain('DOPPEL_ERR_CATALOG_LOCATION');
  });
});

describe.runIf(await postgresAvailable())('doppel accounts --catalog postgres://…', () => {
  const schema = freshSchema();
  afterAll(() => schema.drop());

  it('creates and lists accounts in PostgreSQL', () => {
    const created = doppel(['accounts', 'create', 'pg-ops', '--scopes', 'admin', '--catalog', schema.url]);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ account: { name: 'pg-ops' }, scopes: ['admin'] });
    const listed = doppel(['accounts', 'list', '--catalog', schema.url]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'pg-ops' })]);
  });
});
