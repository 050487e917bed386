import type { JsonObject } from '../contracts/json.js';
import {
  GENESIS_HASH,
  LEDGER_BLOCK_SIZE,
  type LedgerBlock,
  type LedgerEvent,
  type LedgerHead,
  type LedgerQuery,
  type LedgerStore,
  type LedgerVerification,
  type SimulationRecord,
} from '../contracts/ledger.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { encodeLedgerEvent } from './encoding.js';
import { applyLedgerEvents } from './fold.js';
import { LedgerHasher } from './hasher.js';
import { checkAppend, checkQueryLimit, matchesLedgerQuery, unknownSimulation } from './store-support.js';
import { verifyLedger } from './verify.js';

interface Snapshot {
  readonly seq: number;
  readonly simTime: number;
  readonly states: ReadonlyMap<string, JsonObject>;
}

interface SimulationLedger {
  readonly record: SimulationRecord;
  events: LedgerEvent[];
  blocks: LedgerBlock[];
  snapshots: Snapshot[];
}

const cloneStates = (states: ReadonlyMap<string, JsonObject>): Map<string, JsonObject> =>
  new Map([...states].map(([id, state]) => [id, structuredClone(state)]));

/**
 * The reference LedgerStore: everything in memory, each method doing its work synchronously when called (so
 * appends are applied in call order). Stored records are the caller's objects: records are immutable by contract.
 */
export class MemoryLedgerStore implements LedgerStore {
  private readonly sims = new Map<string, SimulationLedger>();

  async createSimulation(record: SimulationRecord): Promise<void> {
    if (this.sims.has(record.simId)) {
      throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${record.simId}" already exists`, {
        simId: record.simId,
      });
    }
    this.sims.set(record.simId, { record: { ...record }, events: [], blocks: [], snapshots: [] });
  }

  async getSimulation(simId: string): Promise<SimulationRecord | null> {
    const sim = this.sims.get(simId);
    return sim === undefined ? null : { ...sim.record };
  }

  async listSimulations(): Promise<SimulationRecord[]> {
    return [...this.sims.values()].map((sim) => ({ ...sim.record }));
  }

  async deleteSimulation(simId: string): Promise<void> {
    this.sims.delete(simId);
  }

  async append(simId: string, records: readonly LedgerEvent[], sealed: readonly LedgerBlock[]): Promise<void> {
    const sim = this.get(simId);
    const last = sim.events[sim.events.length - 1];
    checkAppend(
      simId,
      {
        seq: sim.events.length,
        simTime: last?.simTime ?? 0,
        blockCount: sim.blocks.length,
        lastBlockHash: sim.blocks[sim.blocks.length - 1]?.hash ?? GENESIS_HASH,
      },
      records,
      sealed,
    );
    for (const record of records) sim.events.push(record);
    for (const block of sealed) sim.blocks.push({ ...block });
  }

  async truncate(simId: string, afterSeq: number): Promise<void> {
    const sim = this.get(simId);
    const keep = Math.max(0, Math.floor(afterSeq));
    sim.events = sim.events.slice(0, keep);
    sim.blocks = sim.blocks.filter((block) => block.lastSeq <= keep);
    sim.snapshots = sim.snapshots.filter((snapshot) => snapshot.seq <= keep);
  }

  async copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void> {
    const from = this.get(fromSimId);
    const to = this.get(toSimId);
    if (!Number.isInteger(uptoSeq) || uptoSeq < 0 || uptoSeq > from.events.length) {
      throw new TwinError(
        TwinErrorCode.LedgerGap,
        `Cannot copy ${uptoSeq} records of "${fromSimId}": it holds ${from.events.length}`,
        { simId: fromSimId, uptoSeq, available: from.events.length },
      );
    }
    if (to.events.length > 0) {
      throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${toSimId}" already has a ledger`, {
        simId: toSimId,
      });
    }
    to.events = from.events.slice(0, uptoSeq);
    to.blocks = from.blocks.filter((block) => block.lastSeq <= uptoSeq);
    to.snapshots = from.snapshots.filter((snapshot) => snapshot.seq <= uptoSeq);
  }

  async query(query: LedgerQuery): Promise<LedgerEvent[]> {
    checkQueryLimit(query);
    const sim = this.get(query.simId);
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const out: LedgerEvent[] = [];
    const events = sim.events;
    const desc = query.order === 'desc';
    const start = desc ? events.length - 1 : Math.max(0, Math.floor(query.afterSeq ?? 0));
    for (let i = start; desc ? i >= 0 : i < events.length; desc ? i-- : i++) {
      if (out.length >= limit) break;
      const event = events[i];
      if (matchesLedgerQuery(event, query)) out.push(event);
    }
    return out;
  }

  /** Keeps records as objects, so their texts are encoded here (the canonical text a durable store keeps). */
  async queryTexts(query: LedgerQuery): Promise<string[]> {
    return (await this.query(query)).map(encodeLedgerEvent);
  }

  async head(simId: string): Promise<LedgerHead> {
    const sim = this.get(simId);
    const sealedCount = sim.blocks.length;
    const tail = sim.events.slice(sealedCount * LEDGER_BLOCK_SIZE).map(encodeLedgerEvent);
    const { seq, hash } = LedgerHasher.restore(sim.blocks[sealedCount - 1] ?? null, tail).head();
    return { seq, simTime: sim.events[seq - 1]?.simTime ?? 0, hash };
  }

  async verify(simId: string): Promise<LedgerVerification> {
    const sim = this.get(simId);
    return verifyLedger(sim.events, sim.blocks);
  }

  async stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>> {
    const sim = this.get(simId);
    let snapshot: Snapshot | undefined;
    for (const candidate of sim.snapshots) {
      if (candidate.simTime <= t && (snapshot === undefined || candidate.seq > snapshot.seq)) snapshot = candidate;
    }
    const states = snapshot === undefined ? new Map<string, JsonObject>() : cloneStates(snapshot.states);
    const events = sim.events;
    let end = snapshot?.seq ?? 0;
    // Sim time never decreases along seq, so the records up to t form a prefix.
    while (end < events.length && events[end].simTime <= t) end++;
    applyLedgerEvents(states, events.slice(snapshot?.seq ?? 0, end));
    if (assetIds === undefined) return states;
    const wanted = new Map<string, JsonObject>();
    for (const id of assetIds) {
      const state = states.get(id);
      if (state !== undefined) wanted.set(id, state);
    }
    return wanted;
  }

  async putSnapshot(
    simId: string,
    seq: number,
    simTime: number,
    states: ReadonlyMap<string, JsonObject>,
  ): Promise<void> {
    const sim = this.get(simId);
    if (!Number.isInteger(seq) || seq < 0 || seq > sim.events.length) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot seq ${seq} is beyond the ledger`, { simId, seq });
    }
    if (seq > 0 && simTime < sim.events[seq - 1].simTime) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot time ${simTime} is before record ${seq}`, {
        simId,
        seq,
        simTime,
      });
    }
    sim.snapshots = sim.snapshots.filter((snapshot) => snapshot.seq !== seq);
    sim.snapshots.push({ seq, simTime, states: cloneStates(states) });
  }

  async close(): Promise<void> {
    this.sims.clear();
  }

  /**
   * Replaces a stored record without touching the hash chain. Exists so tests can show that verify() detects
   * tampering; never call it otherwise.
   */
  replaceRecordUnchecked(simId: string, record: LedgerEvent): void {
    const sim = this.get(simId);
    if (record.seq < 1 || record.seq > sim.events.length) throw new RangeError(`No record ${record.seq}`);
    sim.events[record.seq - 1] = record;
  }

  private get(simId: string): SimulationLedger {
    const sim = this.sims.get(simId);
    if (sim === undefined) throw unknownSimulation(simId);
    return sim;
  }
}
