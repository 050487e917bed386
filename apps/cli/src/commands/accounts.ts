import { Catalog, SCOPES, type Scope } from '@doppel/server';
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

interface CatalogOptions {
  data?: string;
  catalog?: string;
}

export interface AccountsCreateOptions extends CatalogOptions {
  scopes?: string[];
}

/** The server's catalog: PostgreSQL with --catalog, else the SQLite file of the data directory. */
async function openCatalog(options: CatalogOptions): Promise<Catalog> {
  return options.catalog === undefined ? Catalog.open(options.data ?? '.doppel') : Catalog.connect(options.catalog);
}

function parseScopes(values: readonly string[] | undefined): Scope[] {
  const scopes = (values ?? ['read', 'write']).flatMap((value) => value.split(',')).filter(Boolean);
  for (const scope of scopes) {
    if (!(SCOPES as readonly string[]).includes(scope)) {
      throw new UserError(`unknown scope "${scope}" (scopes: ${SCOPES.join(', ')})`);
    }
  }
  return scopes as Scope[];
}

/** Creates an account in a data directory's catalog and returns what to print (the key is shown only here). */
export async function createAccount(name: string, options: AccountsCreateOptions): Promise<string> {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new UserError(`account names use letters, digits, ".", "_" and "-" (got ${JSON.stringify(name)})`);
  }
  const scopes = parseScopes(options.scopes);
  const catalog = await openCatalog(options);
  try {
    if ((await catalog.accountByName(name)) !== null) throw new UserError(`account "${name}" already exists`);
    const created = await catalog.createAccount(name, scopes);
    return JSON.stringify({ account: created.account, key: created.key, scopes: created.scopes }, null, 2);
  } finally {
    await catalog.close();
  }
}

/** Registers `doppel accounts` (create, list) working on the server's catalog in the data directory. */
export function register(program: Command): void {
  const accounts = program.command('accounts').description('Manage accounts and API keys of a Doppel server');
  accounts
    .command('create <name>')
    .description('Create an account; prints {account, key, scopes} as JSON (the key is shown once)')
    .option('--scopes <scopes...>', `scopes (${SCOPES.join(', ')})`, ['read', 'write'])
    .option('--data <dir>', 'data directory of the server', '.doppel')
    .option('--catalog <url>', "the server's PostgreSQL catalog (as given to doppel serve --catalog)")
    .action(async (name: string, options: AccountsCreateOptions) => {
      process.stdout.write(`${await createAccount(name, options)}\n`);
    });
  accounts
    .command('list')
    .description('List accounts as JSON')
    .option('--data <dir>', 'data directory of the server', '.doppel')
    .option('--catalog <url>', "the server's PostgreSQL catalog (as given to doppel serve --catalog)")
    .action(async (options: CatalogOptions) => {
      const catalog = await openCatalog(options);
      try {
        process.stdout.write(`${JSON.stringify(await catalog.listAccounts(), null, 2)}\n`);
      } finally {
        await catalog.close();
      }
    });
}
