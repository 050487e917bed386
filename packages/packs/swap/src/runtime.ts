import type { Event, RandomStream } from '@doppel/engine';
import type { Asset } from '@doppel/twin';
import type { Urgency } from './config.js';
import type { StationPlan } from './layout.js';
import type { SwapNetwork } from './network.js';
import type {
  BatteryState,
  ChargerSnapshot,
  ChargerState,
  FaultType,
  StationState,
  StationStatus,
  VehicleState,
  VehicleStatus,
} from './state.js';
import { RecentWaits, TimeWeighted, WaitStats } from './stats.js';

/** Live objects behind the assets: what the processes and intervention handlers act on. */

export class BatteryRt {
  asset!: Asset<BatteryState, BatteryRt>;
  /** SoC at `socTime`; while charging it moves with `powerKw` (see charging.ts). */
  soc: number;
  socTime = 0;
  powerKw = 0;
  /** Predicted end of the current charge session (Infinity when not charging or without power). */
  finishAt = Infinity;
  sessionStartSoc = 0;
  station: StationRt | null = null;
  charger: ChargerRt | null = null;
  rider: RiderRt | null = null;
  /** Waiting in its station's charge queue. */
  queued = false;

  constructor(
    readonly net: SwapNetwork,
    readonly id: string,
    readonly capacityKwh: number,
    public health: number,
    public cycleCount: number,
    soc: number,
  ) {
    this.soc = soc;
  }

  /** Usable energy (kWh): capacity fades with health. */
  get energyKwh(): number {
    return this.capacityKwh * this.health;
  }
}

export class ChargerRt {
  state: ChargerState;
  faultType: FaultType | null = null;
  /** The state to return to when a fault clears (reserve chargers stay in reserve). */
  stateBeforeFault: ChargerState = 'idle';
  battery: BatteryRt | null = null;
  snapshot: ChargerSnapshot;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly maxKw: number,
    reserve: boolean,
  ) {
    this.state = reserve ? 'reserve' : 'idle';
    this.snapshot = this.makeSnapshot();
  }

  /** Power it asks for while charging: nothing when faulted or offline, half with a slow-charging fault. */
  get capKw(): number {
    if (this.state !== 'charging') return 0;
    return this.faultType === 'slow_charging' ? this.maxKw / 2 : this.maxKw;
  }

  /**
   * Snapshots are immutable: ledger records keep references to old ones. A new one is made only when the state or
   * the fault changed, so a station event carries `chargers` only when a charger's state actually changed. Which
   * battery sits on a charger is not part of it: the battery's own `location` (`station/charger`) records that, and
   * leaving it out keeps the full charger list out of every charge start and finish that does not change a state.
   */
  refresh(): boolean {
    const snap = this.snapshot;
    const fault = this.faultType ?? undefined;
    if (snap.state === this.state && snap.fault_type === fault) return false;
    this.snapshot = this.makeSnapshot();
    return true;
  }

  private makeSnapshot(): ChargerSnapshot {
    const fault = this.faultType;
    return fault === null ? { id: this.id, state: this.state } : { fault_type: fault, id: this.id, state: this.state };
  }
}

export class BayRt {
  closed = false;
  rider: RiderRt | null = null;
  endAt = 0;
  /** Service time left when an outage froze the swap. */
  remaining = 0;
  /** The swap's end timer; null while frozen or idle. */
  timer: Event | null = null;
  constructor(readonly id: string) {}
}

/** A scooter of the fleet and its rider; each visit to a station for a swap is a trip. */
export class RiderRt {
  asset!: Asset<VehicleState, RiderRt>;
  status: VehicleStatus = 'riding';
  /** Station whose queue or bay the rider is at (or left last); set on the first trip. */
  station!: StationRt;
  urgency: Urgency = 'normal';
  patienceS = 0;
  joinedAt = 0;
  /** Bumped whenever the rider joins or leaves a queue, so stale patience timers do nothing. */
  epoch = 0;
  /** The epoch the pending patience timer belongs to. */
  patienceEpoch = -1;
  travelTimer: Event | null = null;
  inQueue = false;
  redirects = 0;
  travelTo: StationRt | null = null;
  bay: BayRt | null = null;
  swapOut: BatteryRt | null = null;
  waitS = 0;

  constructor(
    readonly net: SwapNetwork,
    readonly id: string,
    public battery: BatteryRt,
  ) {}
}

export interface Neighbour {
  readonly station: StationRt;
  readonly km: number;
}

export class StationRt {
  asset!: Asset<StationState, StationRt>;
  readonly bays: BayRt[] = [];
  readonly chargers: ChargerRt[] = [];
  private snapshots: ChargerSnapshot[] | null = null;
  /** Batteries in slots (not on a charger, not in a bay). */
  readonly idle: BatteryRt[] = [];
  chargeQueue: BatteryRt[] = [];
  cqHead = 0;
  queue: RiderRt[] = [];
  queueEpochs: number[] = [];
  qHead = 0;
  queueLength = 0;
  outageDepth = 0;
  maintenance = false;
  status: StationStatus = 'open';
  serviceSpeed = 1;
  gridLimitKw: number;
  powerDrawKw = 0;
  /** Batteries charging with power > 0. */
  powered = 0;
  peakPowerKw = 0;
  /** Energy drawn up to the last reallocation (kWh). */
  energyKwh = 0;
  /** The scheduled charge-completion check; a superseded timer fires and does nothing. */
  timer: Event | null = null;
  timerAt = Infinity;
  /** Batteries that can be handed out now (kept by `noteInventory`). */
  charged = 0;
  neighbours: Neighbour[] = [];
  batterySeq = 0;

  // KPI accumulators.
  arrivals = 0;
  joins = 0;
  balks = 0;
  reneges = 0;
  swaps = 0;
  abandoned = 0;
  redirectsOut = 0;
  cancelled = 0;
  queueTimeS = 0;
  readonly waits = new WaitStats();
  readonly recent = new RecentWaits();
  readonly queueTw = new TimeWeighted();
  readonly busyBaysTw = new TimeWeighted();
  /** 1 while at least one battery can be handed out. */
  readonly availableTw = new TimeWeighted(1);

  constructor(
    readonly net: SwapNetwork,
    readonly index: number,
    readonly plan: StationPlan,
    readonly ratesPerHour: readonly number[],
    readonly rngArrivals: RandomStream,
    readonly rngRiders: RandomStream,
    readonly rngService: RandomStream,
  ) {
    this.gridLimitKw = plan.gridPowerLimitKw;
  }

  get id(): string {
    return this.plan.id;
  }

  freeBays(): number {
    let n = 0;
    for (const bay of this.bays) if (!bay.closed && bay.rider === null) n++;
    return n;
  }

  busyBays(): number {
    let n = 0;
    for (const bay of this.bays) if (bay.rider !== null) n++;
    return n;
  }

  closedBayIds(): string[] {
    return this.bays.filter((b) => b.closed).map((b) => b.id);
  }

  /** The chargers' snapshots; the same array until one of them changes (the registry then skips it at once). */
  chargerSnapshots(): ChargerSnapshot[] {
    const cached = this.snapshots;
    if (cached !== null && cached.length === this.chargers.length) {
      let same = true;
      for (let i = 0; i < cached.length; i++) {
        if (cached[i] !== this.chargers[i].snapshot) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    this.snapshots = this.chargers.map((c) => c.snapshot);
    return this.snapshots;
  }

  pushQueue(rider: RiderRt): void {
    if (this.qHead > 64 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.queueEpochs = this.queueEpochs.slice(this.qHead);
      this.qHead = 0;
    }
    this.queue.push(rider);
    this.queueEpochs.push(rider.epoch);
  }

  /** Oldest rider still queued, or null. Entries of riders who left (renege, redirect) are skipped lazily. */
  peekQueue(): RiderRt | null {
    while (this.qHead < this.queue.length) {
      const r = this.queue[this.qHead];
      if (r.inQueue && r.station === this && r.epoch === this.queueEpochs[this.qHead]) return r;
      this.qHead++;
    }
    return null;
  }

  pushCharge(battery: BatteryRt, front = false): void {
    battery.queued = true;
    if (front) {
      this.chargeQueue.splice(this.cqHead, 0, battery);
      return;
    }
    if (this.cqHead > 64 && this.cqHead * 2 > this.chargeQueue.length) {
      this.chargeQueue = this.chargeQueue.slice(this.cqHead);
      this.cqHead = 0;
    }
    this.chargeQueue.push(battery);
  }

  /** Takes a battery out of the charge queue (a rider got it, or it left the station). */
  unqueueCharge(battery: BatteryRt): void {
    if (!battery.queued) return;
    battery.queued = false;
    const i = this.chargeQueue.indexOf(battery, this.cqHead);
    if (i >= 0) this.chargeQueue.splice(i, 1);
  }

  popCharge(): BatteryRt | null {
    if (this.cqHead >= this.chargeQueue.length) return null;
    const b = this.chargeQueue[this.cqHead++];
    b.queued = false;
    return b;
  }

  hasQueuedCharge(): boolean {
    return this.cqHead < this.chargeQueue.length;
  }
}
