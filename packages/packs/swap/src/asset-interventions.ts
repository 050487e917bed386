import type { InterventionDefinition } from '@doppel/twin';
import { InterventionRejected } from '@doppel/twin';
import { z } from 'zod';
import { chargingPatch, fillChargers, reallocate, syncBattery } from './charging-ops.js';
import { round4 } from './network.js';
import { leaveQueue, stationKm, travel } from './rider-ops.js';
import type { BatteryRt, RiderRt } from './runtime.js';
import type { BatteryState, VehicleState } from './state.js';
import { tryStartSwaps } from './swap-ops.js';

/** Interventions on batteries and vehicles. */

type BatteryIntervention<A> = InterventionDefinition<A, BatteryState, BatteryRt>;
type VehicleIntervention<A> = InterventionDefinition<A, VehicleState, RiderRt>;

/** After a battery in a station's slots changed: charge queue, chargers, inventory, waiting riders. */
function refreshSlot(b: BatteryRt, eventType: string): void {
  const st = b.station;
  if (st === null || b.charger !== null) return;
  const net = b.net;
  if (net.needsCharge(b) && !b.queued) st.pushCharge(b);
  else if (!net.needsCharge(b)) st.unqueueCharge(b);
  fillChargers(net, st);
  net.updateStation(st, chargingPatch(net, st), eventType, { battery: b.id });
  tryStartSwaps(net, st);
}

export const setSoc: BatteryIntervention<{ soc: number }> = {
  name: 'set_soc',
  description: 'Sets the state of charge (0..1), wherever the battery is.',
  args: z
    .strictObject({ soc: z.number().min(0).max(1).meta({ title: 'SoC' }) })
    .meta({ title: 'Set state of charge (SoC)' }),
  apply(asset, args) {
    const b = asset.runtime;
    const net = b.net;
    syncBattery(net, b);
    b.soc = args.soc;
    if (b.charger !== null && b.station !== null) {
      b.sessionStartSoc = Math.min(b.sessionStartSoc, args.soc);
    }
    net.twin.update(asset, { soc: round4(args.soc) }, 'SOC_SET', null, { always: true });
    if (b.charger !== null && b.station !== null) {
      reallocate(net, b.station);
    } else if (b.rider !== null) {
      const r = b.rider;
      if (r.battery === b) {
        net.twin.update(r.asset, { battery_soc: round4(args.soc) }, 'SOC_SET', { battery: b.id });
      }
    } else {
      refreshSlot(b, 'INVENTORY_CHANGED');
    }
  },
};

export const forceDegradeHealth: BatteryIntervention<{ health: number }> = {
  name: 'force_degrade_health',
  description: 'Lowers the state of health (usable capacity fraction); below end-of-life it is no longer handed out.',
  args: z.strictObject({ health: z.number().min(0).max(1) }).meta({ title: 'Degrade battery health' }),
  apply(asset, args) {
    const b = asset.runtime;
    const net = b.net;
    if (args.health > b.health) {
      throw new InterventionRejected(`health ${args.health} is above the current ${b.health}: degrade only lowers it`);
    }
    syncBattery(net, b);
    b.health = args.health;
    net.twin.update(
      asset,
      { health: args.health, health_status: net.healthStatus(args.health) },
      'HEALTH_DEGRADED',
      null,
      { always: true },
    );
    if (b.charger !== null && b.station !== null) reallocate(net, b.station);
    else refreshSlot(b, 'INVENTORY_CHANGED');
  },
};

const ACTIVE: readonly string[] = ['waiting', 'travelling', 'arriving'];

function requireActive(r: RiderRt, action: string): void {
  if (!ACTIVE.includes(r.status)) {
    throw new InterventionRejected(`${r.id} is ${r.status}: ${action} needs a waiting or travelling rider`);
  }
}

export const redirectToStation: VehicleIntervention<{ station_id: string }> = {
  name: 'redirect_to_station',
  description: 'The rider leaves the queue (or changes course) and rides to the given station.',
  args: z.strictObject({ station_id: z.string() }).meta({ title: 'Redirect to another station' }),
  apply(asset, args) {
    const r = asset.runtime;
    const net = r.net;
    requireActive(r, 'redirect_to_station');
    const to = net.stationById.get(args.station_id);
    if (to === undefined) throw new InterventionRejected(`no station "${args.station_id}"`);
    const from = r.station;
    if (r.status === 'travelling' && r.travelTo === to) {
      throw new InterventionRejected(`${r.id} is already on its way to ${to.id}`);
    }
    if (r.status !== 'travelling' && from === to) throw new InterventionRejected(`${r.id} is already at ${to.id}`);
    if (r.inQueue) {
      const waited = leaveQueue(net, from, r);
      net.updateStation(from, { queue_length: from.queueLength }, 'QUEUE_DECREMENT', {
        reason: 'redirected',
        rider: r.id,
        waited_s: round4(waited),
      });
    }
    // A rider already on the road restarts from the station it left: its position in between is not modelled.
    travel(net, r, from, to, stationKm(from, to), 'intervention');
  },
};

export const cancelTrip: VehicleIntervention<Record<string, never>> = {
  name: 'cancel_trip',
  description: 'The rider gives up the trip now (leaves the queue or stops travelling).',
  args: z.strictObject({}).meta({ title: 'Cancel trip' }),
  apply(asset) {
    const r = asset.runtime;
    const net = r.net;
    requireActive(r, 'cancel_trip');
    const st = r.station;
    if (r.inQueue) {
      const waited = leaveQueue(net, st, r);
      net.updateStation(st, { queue_length: st.queueLength }, 'QUEUE_DECREMENT', {
        reason: 'cancelled',
        rider: r.id,
        waited_s: round4(waited),
      });
    }
    if (r.status === 'travelling') {
      r.travelTimer = null;
      net.ridersInTransit--;
    }
    r.status = 'cancelled';
    st.cancelled++;
    net.twin.update(asset, { status: 'cancelled' }, 'TRIP_CANCELLED', { station: st.id });
    net.releaseVehicle(r);
  },
};
