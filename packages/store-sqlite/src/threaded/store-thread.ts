/**
 * The store thread: owns the SQLite connection of a ThreadedSqliteLedgerStore and applies its calls in the order
 * they were posted. Appends arrive as joined canonical texts (see protocol.ts); the fields the store indexes are
 * read back from them, the values stay inside the texts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TwinError, decodeLedgerEvent, type LedgerEvent, type LedgerStore } from '@doppel/twin';
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

/**
 * The indexed fields of a record, read from the start of its canonical text `[seq,simTime,"asset","type",...`.
 * Plain names are sliced out; a name with escapes, or anything unexpected, goes through the full decoder.
 */
function indexedFields(text: string): LedgerEvent {
  const seqEnd = text.indexOf(',');
  const timeEnd = text.indexOf(',', seqEnd + 1);
  const assetEnd = text.indexOf('"', timeEnd + 2);
  const typeEnd = text.indexOf('"', assetEnd + 3);
  const asset = text.slice(timeEnd + 2, assetEnd);
  const type = text.slice(assetEnd + 3, typeEnd);
  const seq = Number(text.slice(1, seqEnd));
  const simTime = Number(text.slice(seqEnd + 1, timeEnd));
  if (
    text.charCodeAt(0) !== 91 ||
    text.charCodeAt(timeEnd + 1) !== 34 ||
    text.charCodeAt(assetEnd + 1) !== 44 ||
    text.charCodeAt(assetEnd + 2) !== 34 ||
    text.charCodeAt(typeEnd + 1) !== 44 ||
    asset.includes('\\') ||
    type.includes('\\') ||
    !Number.isInteger(seq) ||
    Number.isNaN(simTime)
  ) {
    return decodeLedgerEvent(text);
  }
  return { seq, simTime, assetId: asset, eventType: type, oldValue: null, newValue: null, meta: null, origin: 'sim' };
}

function recordsOf(texts: readonly string[]): LedgerEvent[] {
  const records = new Array<LedgerEvent>(texts.length);
  for (let i = 0; i < texts.length; i++) records[i] = indexedFields(texts[i]);
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
  'queryTexts',
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
    const encoded = batch.count === 0 ? [] : batch.texts.split('\n');
    return store.append(batch.simId, recordsOf(encoded), batch.sealed, encoded);
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
    // After close, nothing is left to do: the thread ends by itself once the reply is out.
    if (message.method === 'close') port.close();
  });
});
