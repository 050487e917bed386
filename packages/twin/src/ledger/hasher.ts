import { createHash } from 'node:crypto';
import { GENESIS_HASH, LEDGER_BLOCK_SIZE, type LedgerBlock } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** The hash of one block: SHA-256 over the previous block's hash followed by the block's records joined by "\n". */
export function hashBlock(prevHash: string, encodedRecords: readonly string[]): string {
  // Fed record by record, never as one joined text: Node encodes a large string to UTF-8 several times slower than
  // many short ones (a block of 2 kB records hashed about 4x faster). The bytes, and so the hash, are the same.
  const hash = createHash('sha256').update(prevHash);
  for (let i = 0; i < encodedRecords.length; i++) {
    if (i > 0) hash.update('\n');
    hash.update(encodedRecords[i] as string);
  }
  return hash.digest('hex');
}

/** Sequence number and hash over every record added so far. */
export interface LedgerHashHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Incremental hash chain over canonical record texts (see LEDGER_BLOCK_SIZE). Records are hashed once per block,
 * when the block fills, so the cost per record is a string push plus 1/256th of a SHA-256 call; the open tail is
 * hashed on demand by `head()`. The result depends only on the sequence of records, never on how they were batched.
 */
export class LedgerHasher {
  private count = 0;
  private prevHash = GENESIS_HASH;
  private tail: string[] = [];
  private readonly untaken: LedgerBlock[] = [];
  private lastBlock: LedgerBlock | null = null;

  /**
   * Rebuilds a hasher for a ledger whose sealed blocks end with `lastSealed` (null: none) and whose records after
   * it have the given canonical texts (fewer than a block).
   */
  static restore(lastSealed: LedgerBlock | null, tailEncoded: readonly string[]): LedgerHasher {
    const hasher = new LedgerHasher();
    if (lastSealed !== null) {
      if (lastSealed.lastSeq !== (lastSealed.index + 1) * LEDGER_BLOCK_SIZE) {
        throw new TwinError(TwinErrorCode.LedgerCorrupt, `Block ${lastSealed.index} has inconsistent bounds`);
      }
      hasher.count = lastSealed.lastSeq;
      hasher.prevHash = lastSealed.hash;
      hasher.lastBlock = lastSealed;
    }
    if (tailEncoded.length >= LEDGER_BLOCK_SIZE) {
      throw new TwinError(
        TwinErrorCode.LedgerCorrupt,
        'A ledger tail after the last sealed block must be shorter than a block',
      );
    }
    for (const encoded of tailEncoded) hasher.add(encoded);
    return hasher;
  }

  /** Number of records hashed (= seq of the last one). */
  get seq(): number {
    return this.count;
  }

  /** The most recently sealed block, or null. */
  get lastSealed(): LedgerBlock | null {
    return this.lastBlock;
  }

  /** Adds the canonical text of the next record (seq = this.seq + 1). */
  add(encoded: string): void {
    this.tail.push(encoded);
    this.count++;
    if (this.tail.length === LEDGER_BLOCK_SIZE) this.seal();
  }

  /** Blocks sealed since the previous call, oldest first. */
  takeSealed(): LedgerBlock[] {
    return this.untaken.splice(0, this.untaken.length);
  }

  /** Hash over all records: the chain of sealed blocks, then the open tail hashed as a block (if not empty). */
  head(): LedgerHashHead {
    const hash = this.tail.length === 0 ? this.prevHash : hashBlock(this.prevHash, this.tail);
    return { seq: this.count, hash };
  }

  private seal(): void {
    const index = this.count / LEDGER_BLOCK_SIZE - 1;
    const hash = hashBlock(this.prevHash, this.tail);
    const block: LedgerBlock = {
      index,
      firstSeq: index * LEDGER_BLOCK_SIZE + 1,
      lastSeq: this.count,
      prevHash: this.prevHash,
      hash,
    };
    this.untaken.push(block);
    this.lastBlock = block;
    this.prevHash = hash;
    this.tail = [];
  }
}
