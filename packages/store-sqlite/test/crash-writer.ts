/**
 * Child process of crash.test.ts: resumes the synthetic ledger where the file ends and appends batches until it
 * is killed. crash.test.ts bundles it; by hand: node --conditions=@doppel/source --import tsx crash-writer.ts <db>
 */
import { LedgerWriter } from '@doppel/twin';
import { SqliteLedgerStore } from '../src/index.js';
import { CRASH_BATCH_SIZE, CRASH_SIM_ID, crashRecord } from './crash-fixture.js';

const store = SqliteLedgerStore.open(process.argv[2]);
const { seq: stored } = await store.head(CRASH_SIM_ID);
const writer = new LedgerWriter({ simId: CRASH_SIM_ID, store, batchSize: CRASH_BATCH_SIZE });
// Re-execute the stored prefix silently to rebuild the hash state, as a resumed simulation does.
writer.setSilentUntil(stored);
const append = (seq: number): void => {
  const r = crashRecord(seq);
  writer.append(r.simTime, r.assetId, r.eventType, r.oldValue, r.newValue, r.meta, r.origin);
};
for (let seq = 1; seq <= stored; seq++) append(seq);
process.stdout.write(`ready ${stored}\n`);
for (let seq = stored + 1; ; seq++) {
  append(seq);
  // Let the kill arrive between and during batches, not only while JS runs.
  if (seq % CRASH_BATCH_SIZE === 0) await writer.flush();
}
