import type { LedgerHead, LedgerStore } from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';

interface RebuiltLedger {
  readonly writer: { head(): LedgerHead; checkResumed(): void };
}

/**
 * A re-execution must rebuild exactly the stored prefix; a different hash means the model is not a pure function
 * of (scenario, seed, log) (wall clock, global state, unordered iteration...). Cheap: the store hashes its tail, and
 * a resumed writer hashed only the blocks near t (see LedgerWriter.checkResumed for what else is compared). Without
 * a store only the resumed writer's own checks apply.
 */
export async function checkSameHistory(store: LedgerStore | null, simId: string, run: RebuiltLedger): Promise<void> {
  run.writer.checkResumed();
  if (store === null) return;
  const stored = await store.head(simId);
  const rebuilt = run.writer.head();
  if (stored.seq !== rebuilt.seq || stored.hash !== rebuilt.hash) {
    throw new TwinError(
      TwinErrorCode.LedgerCorrupt,
      `Re-executing ${simId} did not reproduce its ledger (stored seq ${stored.seq} ${stored.hash.slice(0, 12)}, ` +
        `re-executed seq ${rebuilt.seq} ${rebuilt.hash.slice(0, 12)}): the model is not deterministic`,
      { simId, stored, rebuilt },
    );
  }
}
