import { LEDGER_BLOCK_SIZE, type LedgerBlock, type LedgerEvent } from '../contracts/ledger.js';
import type { LedgerVerification } from '../contracts/ledger.js';
import { encodeLedgerEvent } from './encoding.js';
import { LedgerHasher } from './hasher.js';

/**
 * Streaming verification of a stored ledger: feed records in seq order (as canonical texts), then `finish()`.
 * Gaps, reordering and any change to a record of a sealed block are detected; records of the open tail have no
 * stored hash yet, so only their continuity is checked.
 */
export class LedgerVerifier {
  private readonly hasher = new LedgerHasher();
  private readonly problems: string[] = [];
  private validPrefix = 0;
  private brokenHead: string | null = null;
  private recordsSeen = 0;

  constructor(private readonly blocks: readonly LedgerBlock[]) {
    blocks.forEach((block, position) => {
      if (block.index !== position) this.problems.push(`Block at position ${position} has index ${block.index}`);
    });
  }

  /** Adds the next stored record; `seq` is the seq the store filed it under. */
  add(seq: number, encoded: string): void {
    this.recordsSeen++;
    if (this.brokenHead !== null) return;
    const expected = this.hasher.seq + 1;
    if (seq !== expected) {
      this.problems.push(
        seq > expected
          ? `Gap: seq ${expected} to ${seq - 1} missing`
          : `Out of order: seq ${seq} after ${expected - 1}`,
      );
      this.breakAt(this.hasher.head().hash);
      return;
    }
    if (!encoded.startsWith(`[${seq},`)) {
      this.problems.push(`Record filed under seq ${seq} holds another seq: ${encoded.slice(0, 40)}`);
      this.breakAt(this.hasher.head().hash);
      return;
    }
    this.hasher.add(encoded);
    this.validPrefix = seq;
    for (const sealed of this.hasher.takeSealed()) this.checkBlock(sealed);
  }

  finish(): LedgerVerification {
    const sealedCount = Math.floor(this.hasher.seq / LEDGER_BLOCK_SIZE);
    if (this.brokenHead === null && this.blocks.length > sealedCount) {
      this.problems.push(
        `${this.blocks.length - sealedCount} stored block(s) after seq ${this.hasher.seq} have no records`,
      );
    }
    return {
      ok: this.problems.length === 0,
      validPrefixSeq: this.validPrefix,
      headHash: this.brokenHead ?? this.hasher.head().hash,
      problems: [...this.problems],
    };
  }

  /** Number of records fed so far, including those after a break. */
  get seen(): number {
    return this.recordsSeen;
  }

  private checkBlock(computed: LedgerBlock): void {
    const stored = this.blocks[computed.index];
    let problem: string | null = null;
    if (stored === undefined)
      problem = `Block ${computed.index} (seq ${computed.firstSeq}..${computed.lastSeq}) is missing`;
    else if (stored.firstSeq !== computed.firstSeq || stored.lastSeq !== computed.lastSeq) {
      problem = `Block ${computed.index} has bounds ${stored.firstSeq}..${stored.lastSeq}, expected ${computed.firstSeq}..${computed.lastSeq}`;
    } else if (stored.prevHash !== computed.prevHash || stored.hash !== computed.hash) {
      problem = `Block ${computed.index} (seq ${computed.firstSeq}..${computed.lastSeq}) does not match its hash: records were changed`;
    }
    if (problem === null) return;
    this.problems.push(problem);
    // The records before this block are still proven by the chain of the blocks before it.
    this.validPrefix = computed.firstSeq - 1;
    this.breakAt(computed.prevHash);
  }

  private breakAt(headHash: string): void {
    this.brokenHead = headHash;
  }
}

/** Verifies records (in stored order) against stored sealed blocks. */
export function verifyLedger(records: Iterable<LedgerEvent>, blocks: readonly LedgerBlock[]): LedgerVerification {
  const verifier = new LedgerVerifier(blocks);
  for (const record of records) verifier.add(record.seq, encodeLedgerEvent(record));
  return verifier.finish();
}
