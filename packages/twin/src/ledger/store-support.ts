import { LEDGER_BLOCK_SIZE, type LedgerBlock, type LedgerEvent, type LedgerQuery } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** What a store must know about a ledger's end to accept an append. */
export interface LedgerTip {
  readonly seq: number;
  /** Sim time of record `seq` (ignored when seq is 0). */
  readonly simTime: number;
  readonly blockCount: number;
  /** Hash of the last stored block, or GENESIS_HASH. */
  readonly lastBlockHash: string;
}

/**
 * Checks an append against the stored tip; throws DOPPEL_ERR_LEDGER_GAP for a seq that does not continue the
 * ledger, DOPPEL_ERR_LEDGER_CORRUPT for time going back or blocks that do not chain. Afterwards a store holds
 * exactly floor(seq / LEDGER_BLOCK_SIZE) blocks, which keeps `head` and `verify` cheap.
 */
export function checkAppend(
  simId: string,
  tip: LedgerTip,
  records: readonly LedgerEvent[],
  sealed: readonly LedgerBlock[],
): void {
  let seq = tip.seq;
  let time = tip.seq === 0 ? Number.NEGATIVE_INFINITY : tip.simTime;
  for (const record of records) {
    if (record.seq !== seq + 1) {
      throw new TwinError(TwinErrorCode.LedgerGap, `Ledger of ${simId}: expected seq ${seq + 1}, got ${record.seq}`, {
        simId,
        expected: seq + 1,
        found: record.seq,
      });
    }
    if (!(record.simTime >= time)) {
      throw new TwinError(TwinErrorCode.LedgerCorrupt, `Ledger of ${simId}: sim time goes back at seq ${record.seq}`, {
        simId,
        seq: record.seq,
      });
    }
    seq = record.seq;
    time = record.simTime;
  }
  let prevHash = tip.lastBlockHash;
  let index = tip.blockCount;
  for (const block of sealed) {
    if (
      block.index !== index ||
      block.prevHash !== prevHash ||
      block.firstSeq !== index * LEDGER_BLOCK_SIZE + 1 ||
      block.lastSeq !== (index + 1) * LEDGER_BLOCK_SIZE
    ) {
      throw new TwinError(
        TwinErrorCode.LedgerCorrupt,
        `Ledger of ${simId}: block ${block.index} does not continue the chain`,
        {
          simId,
          expectedIndex: index,
          found: block.index,
        },
      );
    }
    prevHash = block.hash;
    index++;
  }
  if (index !== Math.floor(seq / LEDGER_BLOCK_SIZE)) {
    throw new TwinError(
      TwinErrorCode.LedgerCorrupt,
      `Ledger of ${simId}: ${seq} records need ${Math.floor(seq / LEDGER_BLOCK_SIZE)} sealed blocks, got ${index}`,
      { simId, seq, blocks: index },
    );
  }
}

export function unknownSimulation(simId: string): TwinError {
  return new TwinError(TwinErrorCode.UnknownSimulation, `Unknown simulation "${simId}"`, { simId });
}

/** Whether a record passes the filters of a query (not paging, order or limit). */
export function matchesLedgerQuery(record: LedgerEvent, query: LedgerQuery): boolean {
  if (query.assetId !== undefined && record.assetId !== query.assetId) return false;
  if (query.eventTypes !== undefined && !query.eventTypes.includes(record.eventType)) return false;
  if (query.fromTime !== undefined && record.simTime < query.fromTime) return false;
  if (query.toTime !== undefined && record.simTime > query.toTime) return false;
  if (query.afterSeq !== undefined && record.seq <= query.afterSeq) return false;
  return true;
}

/** Rejects a negative or fractional limit (0 is allowed and returns nothing). */
export function checkQueryLimit(query: LedgerQuery): void {
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 0)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `limit must be a non-negative integer, got ${query.limit}`);
  }
}
