import { encodeLedgerEvent, type LedgerBlock, type LedgerEvent, type LedgerTip } from '@doppel/twin';
import { copyChunks, type CopyStatement } from './copy-pipeline.js';
import { copyText } from './schema.js';

/** One append the store accepted (checked against the tip), waiting to be written with the others of its group. */
export interface AcceptedAppend {
  readonly key: number;
  readonly records: readonly LedgerEvent[];
  readonly sealed: readonly LedgerBlock[];
  readonly encoded?: readonly string[];
}

/** The tip of a ledger once `records` and `sealed` are appended to it. */
export function tipAfter(tip: LedgerTip, records: readonly LedgerEvent[], sealed: readonly LedgerBlock[]): LedgerTip {
  const last = records[records.length - 1];
  const lastBlock = sealed[sealed.length - 1];
  return {
    seq: last?.seq ?? tip.seq,
    simTime: last?.simTime ?? tip.simTime,
    blockCount: tip.blockCount + sealed.length,
    lastBlockHash: lastBlock?.hash ?? tip.lastBlockHash,
  };
}

/**
 * The COPY statements that write a group of appends: every record of every append in one COPY into the ledger
 * table, then every block they seal in one COPY into the blocks table (`s` is the quoted schema).
 */
export function appendStatements(s: string, appends: readonly AcceptedAppend[]): CopyStatement[] {
  function* recordLines(): Generator<string> {
    for (const { key, records, encoded } of appends) {
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        const body = encoded?.[i] ?? encodeLedgerEvent(record);
        yield (
          `${key}\t${record.seq}\t${record.simTime}\t${copyText(record.assetId)}\t${copyText(record.eventType)}\t` +
          `${copyText(body)}\n`
        );
      }
    }
  }
  function* blockLines(): Generator<string> {
    for (const { key, sealed } of appends) {
      for (const block of sealed) {
        yield (
          `${key}\t${block.index}\t${block.firstSeq}\t${block.lastSeq}\t${copyText(block.prevHash)}\t` +
          `${copyText(block.hash)}\n`
        );
      }
    }
  }
  const statements: CopyStatement[] = [];
  if (appends.some(({ records }) => records.length > 0)) {
    statements.push({
      sql: `COPY ${s}.ledger (sim_key, seq, sim_time, asset_id, event_type, body) FROM STDIN`,
      chunks: copyChunks(recordLines()),
    });
  }
  if (appends.some(({ sealed }) => sealed.length > 0)) {
    statements.push({
      sql: `COPY ${s}.blocks (sim_key, index, first_seq, last_seq, prev_hash, hash) FROM STDIN`,
      chunks: copyChunks(blockLines()),
    });
  }
  return statements;
}
