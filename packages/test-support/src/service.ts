import { Socket } from 'node:net';

/**
 * Whether a machine service (a broker, a cache) accepts TCP connections on 127.0.0.1:`port`. In CI a missing service
 * fails the test file, since CI starts every service it needs; elsewhere the caller skips, and this says why.
 */
export async function serviceAvailable(name: string, port: number, skipping: string): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(port, '127.0.0.1');
  });
  if (!up && process.env.CI === 'true') throw new Error(`${name} is required on 127.0.0.1:${port} in CI`);
  if (!up) console.warn(`skipping ${skipping}: no ${name} on 127.0.0.1:${port}`);
  return up;
}
