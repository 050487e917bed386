import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface PeerProcess {
  readonly child: ChildProcess;
  /** The JSON object the peer printed on its first stdout line when it was ready. */
  readonly ready: Record<string, unknown>;
  /** Ends it gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it without warning (SIGKILL), as a crash or a power cut would, and waits for it to exit. */
  kill(): Promise<void>;
}

/**
 * Starts a TypeScript peer in its own Node process. The peer prints one JSON object line when it listens and exits when its
 * stdin closes, so it never outlives the test run even if the test process dies.
 */
export async function startPeer(
  script: string,
  args: readonly string[] = [],
  /** How long the peer may take to print its ready line: an OPC UA peer makes its certificate first, slow on a busy machine. */
  options: { readonly readyTimeoutMs?: number } = {},
): Promise<PeerProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const child = spawn(process.execPath, ['--conditions=@doppel/source', '--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`peer ${script} not ready after ${readyTimeoutMs / 1000} s: ${stderr}`)),
      readyTimeoutMs,
    );
    // Libraries may log to stdout before the peer is ready: the first line that is a JSON object is the answer.
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer ${script} exited with ${code}: ${stderr}`));
    });
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };
  return { child, ready, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
