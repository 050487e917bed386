import { join } from 'node:path';
import { OpcuaClient, OpcuaError, OpcuaErrorCode } from '@doppel/bridge-opcua';
import type { IoBrowseLine, IoEndpoint } from './endpoint.js';

/** The standard namespace (the server's diagnostics, aliases, locations) is the same on every server: skipped. */
const isStandard = (nodeId: string): boolean => !/^ns=[1-9]/.test(nodeId);
/** Browsing shows simple values inline; structures stay for `read`. */
const isInline = (value: unknown): boolean =>
  typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 80);

export async function openOpcua(url: string, dataDir: string, timeoutMs: number): Promise<IoEndpoint> {
  const client = await OpcuaClient.connect(url, {
    pkiFolder: join(dataDir, 'pki', 'client'),
    // A command line asks once: no reconnection attempts, an answer (or an error) within the timeout.
    backoff: { maxRetry: 0 },
    requestTimeoutMs: timeoutMs,
  });
  return {
    browse: async (depth) => {
      const lines: IoBrowseLine[] = [];
      const visit = async (nodeId: string, level: number): Promise<void> => {
        for (const entry of await client.browse(nodeId)) {
          if ((level === 0 && isStandard(entry.nodeId)) || lines.length >= 10_000) continue;
          const isVariable = entry.nodeClass === 'Variable';
          const reading = isVariable ? await client.read(entry.nodeId).catch(() => undefined) : undefined;
          lines.push({
            depth: level,
            address: entry.nodeId,
            name: entry.browseName,
            kind: reading ? `${entry.nodeClass} ${reading.dataType}` : entry.nodeClass,
            ...(reading && isInline(reading.value) ? { value: reading.value } : {}),
          });
          if (!isVariable && level + 1 < depth) await visit(entry.nodeId, level + 1);
        }
      };
      await visit('i=85', 0);
      return lines;
    },
    read: (address) => client.read(address),
    write: (address, text) => client.write(address, text),
    watch: async (address, intervalMs, onReading, onError) => {
      const stopListening = client.onConnectionState((state) => {
        if (state !== 'connected') {
          onError(
            new OpcuaError(OpcuaErrorCode.Connection, `${url}: the connection was lost while watching ${address}`),
          );
        }
      });
      const stopWatching = await client.subscribe(address, intervalMs, onReading);
      return async () => {
        stopListening();
        await stopWatching();
      };
    },
    close: () => client.close(),
  };
}
