import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DoppelClient } from '@doppel/client';
import { repoRoot } from './cli-helpers.js';

const bin = join(repoRoot, 'apps/cli/bin/doppel.js');

/** `doppel serve` as its own process (as an operator runs it), on a free port of 127.0.0.1. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  client(key: string): DoppelClient;
  /** kill -9: no handler runs, the files stay as the crash leaves them. */
  crash(): Promise<void>;
  /** SIGTERM: the server drains and exits by itself; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Everything it wrote to stdout so far (the banner). */
  stdout(): string;
}

/** The server exited before it printed its banner. */
export class ServerStartError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`the server exited (code ${String(exitCode)}) before its banner; stderr: ${stderr}`);
  }
}

export async function startServerProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
  bannerTimeoutMs = 30_000,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--no-demo', '--port', '0', '--data', dataDir, ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, DOPPEL_LOG_LEVEL: 'warn', DOPPEL_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner within ${bannerTimeoutMs / 1000} s; stderr: ${stderr}`)),
      bannerTimeoutMs,
    );
    const check = (): void => {
      const match = /Doppel is running at (http:\/\/\S+)/.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ServerStartError(code, stderr));
    });
  });
  return {
    url,
    child,
    client: (key) => new DoppelClient({ baseUrl: url, apiKey: key }),
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    stderr: () => stderr,
    stdout: () => stdout,
  };
}
