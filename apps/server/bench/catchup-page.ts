/**
 * WebSocket catch-up page benchmark: one page of 2,000 stored ledger records, from the store in the simulation's
 * worker to the `events` frame the hub sends, both ways the server has made it:
 * - `records`: the store decodes each record, the objects cross the thread boundary (structured clone), the hub
 *   serialises them again (JSON.stringify);
 * - `texts`: the store returns the canonical texts it keeps, the strings cross, the hub splices them into the
 *   frame (ledgerEventJson), as it does now.
 * Run: npx tsx --conditions=@doppel/source apps/server/bench/catchup-page.ts [records] [rounds]
 * Prints one JSON object per way: {name, pages, ms_per_page_median, records_per_s, same_frame}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { LedgerWriter, ledgerEventJson, type LedgerQuery } from '@doppel/twin';

const records = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const PAGE = 2000;

const dir = mkdtempSync(join(tmpdir(), 'doppel-catchup-'));
try {
  const store = SqliteLedgerStore.open(join(dir, 'ledger.db'));
  await store.createSimulation({
    simId: 'bench',
    name: 'catch-up benchmark',
    pack: 'swap',
    scenarioSha256: '0'.repeat(64),
    scenarioJson: '{}',
    seed: 1,
    parentSimId: null,
    forkSeq: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const writer = new LedgerWriter({ simId: 'bench', store, batchSize: 4096 });
  for (let i = 0; i < records; i++) {
    const station = `station_${i % 1000}`;
    const meta = i % 3 === 0 ? { wait_time_s: i % 600, reason: 'arrival' } : null;
    writer.append(i * 0.25, station, 'QUEUE_INCREMENT', { queue: i % 7 }, { queue: (i % 7) + 1 }, meta, 'sim');
  }
  await writer.flush();

  const pages = Math.floor(records / PAGE);
  const query = (index: number): LedgerQuery => ({ simId: 'bench', afterSeq: index * PAGE, limit: PAGE, order: 'asc' });
  const ways = {
    records: async (index: number): Promise<string> => {
      const crossed = structuredClone(await store.query(query(index)));
      return JSON.stringify({ type: 'events', events: crossed });
    },
    texts: async (index: number): Promise<string> => {
      const crossed = structuredClone(await store.queryTexts(query(index)));
      return `{"type":"events","events":[${crossed.map(ledgerEventJson).join(',')}]}`;
    },
  };
  // Both ways must send the same records: the parsed frames are compared for a few pages.
  let same = true;
  for (const index of [0, Math.floor(pages / 2), pages - 1]) {
    const [a, b] = [await ways.records(index), await ways.texts(index)];
    same &&= JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  }
  for (const [name, build] of Object.entries(ways)) {
    const perPage: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < pages; index++) await build(index);
      perPage.push(Number(process.hrtime.bigint() - started) / 1e6 / pages);
    }
    perPage.sort((x, y) => x - y);
    const median = perPage[Math.floor(perPage.length / 2)];
    console.log(
      JSON.stringify({
        name: `ws_catchup_page_${name}`,
        pages,
        page_records: PAGE,
        ms_per_page_median: Number(median.toFixed(3)),
        records_per_s: Math.round((PAGE / median) * 1000),
        same_frame: same,
      }),
    );
  }
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
