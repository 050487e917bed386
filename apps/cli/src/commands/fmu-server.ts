import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DoppelApiError, DoppelClient, type Fmu, type FmuSummary } from '@doppel/client';
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

/** Where `doppel fmu upload|list` find the server and the key: flags first, then the environment. */
export interface ServerOptions {
  server?: string;
  key?: string;
  json?: boolean;
}

const DEFAULT_SERVER = 'http://127.0.0.1:8080';

function clientOf(options: ServerOptions): DoppelClient {
  const apiKey = options.key ?? process.env.DOPPEL_API_KEY;
  if (apiKey === undefined || apiKey === '')
    throw new UserError('No API key: pass --key KEY or set DOPPEL_API_KEY (doppel accounts create prints one)');
  return new DoppelClient({ baseUrl: options.server ?? process.env.DOPPEL_SERVER ?? DEFAULT_SERVER, apiKey });
}

/**
 * A refusal by the server (4xx: an invalid FMU, a limit, a key without the scope) is the user's to fix: exit 2 with
 * the server's located message. An unreachable or failing server is exit 1.
 */
function asUserError(error: unknown): unknown {
  if (!(error instanceof DoppelApiError)) return error;
  const problem = error.problem;
  const detail = problem !== null ? `${problem.detail} [${problem.code}]` : error.message;
  if (error.status >= 400 && error.status < 500) return new UserError(detail, 2);
  return new UserError(error.status === 0 ? error.message : `the server answered ${error.status}: ${detail}`, 1);
}

function summaryLine(fmu: FmuSummary | Fmu): string {
  const count = 'variables' in fmu ? fmu.variables.length : fmu.variableCount;
  return `${fmu.id}  ${fmu.name}  FMI ${fmu.fmiVersion}  ${fmu.modelName}  ${count} variables  ${fmu.sizeBytes} bytes`;
}

function withServerOptions(command: Command): Command {
  return command
    .option('--server <url>', `the Doppel server (default: $DOPPEL_SERVER, else ${DEFAULT_SERVER})`)
    .option('--key <key>', 'API key (default: $DOPPEL_API_KEY)')
    .option('--json', 'print the answer as JSON');
}

/** Registers `doppel fmu upload` and `doppel fmu list` (an account's FMUs on a server). */
export function registerServerCommands(fmu: Command): void {
  withServerOptions(
    fmu
      .command('upload')
      .description('Upload an FMU to a Doppel server, which validates it and keeps it for the account')
      .argument('<file>', 'the .fmu file'),
  ).action(async (file: string, options: ServerOptions) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new UserError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const client = clientOf(options);
    const uploaded = await client.fmus.upload(bytes, basename(file)).catch((error: unknown) => {
      throw asUserError(error);
    });
    process.stdout.write(
      options.json === true ? `${JSON.stringify(uploaded, null, 2)}\n` : `${summaryLine(uploaded)}\n`,
    );
  });
  withServerOptions(fmu.command('list').description("List the account's FMUs on a Doppel server")).action(
    async (options: ServerOptions) => {
      const client = clientOf(options);
      const list = await client.fmus.list().catch((error: unknown) => {
        throw asUserError(error);
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(list, null, 2)}\n`
          : list.map((item) => `${summaryLine(item)}\n`).join(''),
      );
    },
  );
}
