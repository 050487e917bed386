/**
 * The store thread: owns the SQLite connection of a ThreadedSqliteLedgerStore and applies its calls in the order
 * they were posted. Appends arrive as column batches (see protocol.ts) and are turned back into the records the
 * store indexes; their values stay inside the canonical texts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TwinError, type LedgerEvent, type LedgerStore } from '@doppel/twin';
import { SqliteLedgerStore } from '../sqlite-ledger-store.js';
import type { AppendBatch, SerializedError, StoreCall, StoreReply, StoreThreadInit } from './protocol.js';

const init = workerData as StoreThreadInit;
const port = parentPort;
if (port === null) throw new Error('store-thread must run in a worker thread');

const inFlight = new Int32Array(init.inFlight);
let store: SqliteLedgerStore | null = null;
let opening: SerializedError | null = null;
try {
  store = SqliteLedgerStore.open(init.path, init.options);
} catch (error) {
  opening = serialize(error);
}

function serialize(error: unknown): SerializedError {
  if (error instanceof TwinError) {
    return { name: error.name, message: error.message, code: error.code, details: error.details };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** Every name the appending side has keyed so far, by key. */
const names: string[] = [];

function recordsOf(batch: AppendBatch): LedgerEvent[] {
  for (const name of batch.newNames) names.push(name);
  const records: LedgerEvent[] = new Array<LedgerEvent>(batch.simTimes.length);
  for (let i = 0; i < records.length; i++) {
    records[i] = {
      seq: batch.firstSeq + i,
      simTime: batch.simTimes[i],
      assetId: names[batch.assetKeys[i]],
      eventType: names[batch.typeKeys[i]],
      oldValue: null,
      newValue: null,
      meta: null,
      origin: 'sim',
    };
  }
  return records;
}

/** The LedgerStore methods the thread serves besides append. */
const METHODS: ReadonlySet<string> = new Set<keyof LedgerStore>([
  'createSimulation',
  'getSimulation',
  'listSimulations',
  'deleteSimulation',
  'truncate',
  'copyPrefix',
  'query',
  'head',
  'verify',
  'stateAt',
  'putSnapshot',
  'close',
]);

async function call({ method, args }: StoreCall): Promise<unknown> {
  if (store === null) throw Object.assign(new Error(opening?.message ?? 'The ledger store is not open'), opening);
  if (method === 'append') {
    const batch = args[0] as AppendBatch;
    const encoded = batch.texts.length === 0 ? [] : batch.texts.split('\n');
    return store.append(batch.simId, recordsOf(batch), batch.sealed, encoded);
  }
  if (!METHODS.has(method)) throw new Error(`Unknown ledger store method ${method}`);
  const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  return fn.apply(store, args as unknown[]);
}

// Calls run one after the other, in posting order: each store method does its work synchronously when called.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: StoreCall) => {
  queue = queue.then(async () => {
    let reply: StoreReply;
    try {
      reply = { id: message.id, ok: true, value: await call(message) };
    } catch (error) {
      reply = { id: message.id, ok: false, error: serialize(error) };
    } finally {
      if (message.method === 'append') {
        Atomics.sub(inFlight, 0, 1);
        Atomics.notify(inFlight, 0);
      }
    }
    port.postMessage(reply);
  });
});
