import { describeLedgerStoreConformance } from '../src/testing/index.js';
import { MemoryLedgerStore } from '../src/ledger/index.js';

describeLedgerStoreConformance('MemoryLedgerStore', async () => {
  const store = new MemoryLedgerStore();
  return {
    store,
    cleanup: () => store.close(),
    tamper: async (simId, seq) => {
      const [record] = await store.query({ simId, afterSeq: seq - 1, limit: 1 });
      store.replaceRecordUnchecked(simId, { ...record, newValue: { ...record.newValue, tampered: true } });
    },
  };
});
