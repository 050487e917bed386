import type { Event } from '@doppel/engine';
import type { Asset, TwinModel } from '@doppel/twin';
import type { ProductConfig } from './config.js';
import type { BufferState } from './state.js';

/** One unit of material moving through the line: a raw unit, a tube, a case, a pallet... */
export interface Item {
  /** Output type of the machine that made it (`raw` from the source). */
  readonly kind: string;
  /** Base (raw) units inside: 1 for a tube, units_per_case for a case; conserved by every transform. */
  readonly units: number;
  readonly sku: ProductConfig;
  /** Truth: the unit carries a defect (its own or one of its inputs'). */
  defective: boolean;
  /** An inspection found the defect (what routing conditions see as `is_defective`). */
  flagged: boolean;
  /** Set on the cycle that made it defective, for the maker's quality count. */
  createdDefect: boolean;
}

/** Something a machine takes inputs from. */
export interface Inlet {
  tryTake(): Item | undefined;
  /** The machine that takes from it, woken when an item arrives. */
  consumer: Waker | null;
}

/** Something a machine puts outputs into. */
export interface Outlet {
  readonly id: string;
  tryPut(item: Item): boolean;
  /** The producer waiting for space (or for an unblock), woken when a put may succeed. */
  waitSpace(event: Event): void;
  cancelWait(): void;
}

export interface Waker {
  wake(): void;
}

/** The `_source` node: raw units of the line's current SKU, infinite or a finite inventory. */
export class Source implements Inlet {
  consumer: Waker | null = null;
  taken = 0;
  constructor(
    private remaining: number | null,
    readonly currentSku: () => ProductConfig,
  ) {}

  tryTake(): Item | undefined {
    if (this.remaining !== null) {
      if (this.remaining <= 0) return undefined;
      this.remaining--;
    }
    this.taken++;
    return { kind: 'raw', units: 1, sku: this.currentSku(), defective: false, flagged: false, createdDefect: false };
  }
}

/** `_sink` and `_reject`: never full; they count what they receive. */
export class Bin implements Outlet {
  items = 0;
  units = 0;
  readonly received: Item[] = [];
  constructor(
    readonly id: string,
    private readonly onItem: (item: Item) => void,
  ) {}

  tryPut(item: Item): boolean {
    this.items++;
    this.units += item.units;
    this.onItem(item);
    return true;
  }

  waitSpace(): void {
    throw new Error(`${this.id} never refuses an item`);
  }

  cancelWait(): void {}
}

/**
 * A buffer between two stations (one producer, one consumer): a FIFO with a capacity, which an intervention can
 * block (it accepts nothing) or drain (its content is scrapped). The ledger records when it becomes full and when it
 * has room again (what blocks its producer); an empty buffer shows as its consumer's STARVED state. Recording every
 * level change would cost two ledger events per unit, so telemetry samples the level instead.
 */
export class Buffer implements Inlet, Outlet {
  consumer: Waker | null = null;
  private readonly items: Item[] = [];
  private head = 0;
  private putWaiter: Event | null = null;
  blocked = false;
  /** Units scrapped by drain. */
  drainedUnits = 0;
  drainedItems = 0;
  asset: Asset<BufferState> | null = null;
  full = false;
  /** Time-weighted level integral, for the mean level. */
  private levelArea = 0;
  private levelSince = 0;

  constructor(
    readonly id: string,
    readonly from: string,
    readonly to: string,
    readonly capacity: number,
    private readonly twin: TwinModel,
  ) {}

  get level(): number {
    return this.items.length - this.head;
  }

  /** Base units held. */
  get units(): number {
    let sum = 0;
    for (let i = this.head; i < this.items.length; i++) sum += (this.items[i] as Item).units;
    return sum;
  }

  meanLevel(now: number): number {
    const area = this.levelArea + this.level * (now - this.levelSince);
    return now > 0 ? area / now : this.level;
  }

  tryPut(item: Item): boolean {
    if (this.blocked || this.level >= this.capacity) return false;
    this.accrue();
    this.items.push(item);
    this.refreshStatus();
    const consumer = this.consumer;
    if (consumer !== null) consumer.wake();
    return true;
  }

  tryTake(): Item | undefined {
    if (this.head >= this.items.length) return undefined;
    this.accrue();
    const item = this.items[this.head] as Item;
    this.items[this.head] = undefined as unknown as Item;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.refreshStatus();
    this.wakeProducer();
    return item;
  }

  waitSpace(event: Event): void {
    this.putWaiter = event;
  }

  cancelWait(): void {
    this.putWaiter = null;
  }

  wakeProducer(): void {
    const waiter = this.putWaiter;
    if (waiter !== null) {
      this.putWaiter = null;
      waiter.succeed();
    }
  }

  /** Removes everything (drain); returns the items removed. */
  purge(): Item[] {
    this.accrue();
    const removed = this.items.slice(this.head);
    this.items.length = 0;
    this.head = 0;
    for (const item of removed) this.drainedUnits += item.units;
    this.drainedItems += removed.length;
    this.refreshStatus(false);
    this.wakeProducer();
    return removed;
  }

  private accrue(): void {
    const now = this.twin.env.now;
    this.levelArea += this.level * (now - this.levelSince);
    this.levelSince = now;
  }

  private refreshStatus(record = true): void {
    const level = this.level;
    const full = level >= this.capacity;
    if (full === this.full) return;
    this.full = full;
    if (record && this.asset !== null) {
      this.twin.update(this.asset, { full, level, drained: false }, full ? 'BUFFER_FULL' : 'BUFFER_AVAILABLE');
    }
  }
}
