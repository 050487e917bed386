import type { InterventionDefinition, InterventionEffect } from '@doppel/twin';
import { InterventionRejected } from '@doppel/twin';
import { z } from 'zod';
import { chargingPatch, fillChargers, reallocate, unplug } from './charging-ops.js';
import { renege } from './rider-ops.js';
import type { StationRt } from './runtime.js';
import { FAULT_TYPES, type StationState } from './state.js';
import { freezeSwaps, resumeSwaps, tryStartSwaps } from './swap-ops.js';

type StationIntervention<A> = InterventionDefinition<A, StationState, StationRt>;

/** Station interventions: the seed's "God Mode" actions plus the operations an operator can take. */
export function stationInterventions(): StationIntervention<never>[] {
  const defs = [
    triggerOutage(),
    restockBatteries(),
    closeBay(),
    reopenBay(),
    injectFault(),
    setServiceSpeed(),
    setMaintenanceMode(),
    setGridPowerLimit(),
    openReserveChargers(),
  ];
  return defs as StationIntervention<never>[];
}

const durationS = z
  .number()
  .positive()
  .max(30 * 24 * 3600);

function triggerOutage(): StationIntervention<{ duration_seconds: number }> {
  return {
    name: 'trigger_outage',
    description: 'Power cut: swaps and charging stop until it ends; riders keep arriving, queue and give up.',
    args: z.strictObject({ duration_seconds: durationS }).meta({ title: 'Power cut' }),
    apply(asset, args): InterventionEffect {
      const st = asset.runtime;
      const net = st.net;
      st.outageDepth++;
      if (st.outageDepth === 1) {
        freezeSwaps(net, st);
        reallocate(net, st);
        st.status = net.computeStatus(st);
        net.updateStation(st, { status: st.status, power_draw_kw: st.powerDrawKw }, 'OUTAGE_STARTED', {
          duration_seconds: args.duration_seconds,
        });
      }
      return {
        durationS: args.duration_seconds,
        note: `outage for ${args.duration_seconds} s`,
        end: () => {
          st.outageDepth--;
          if (st.outageDepth > 0) return;
          st.status = net.computeStatus(st);
          resumeSwaps(net, st);
          reallocate(net, st);
          net.updateStation(st, { status: st.status, power_draw_kw: st.powerDrawKw }, 'OUTAGE_ENDED', null);
          tryStartSwaps(net, st);
        },
      };
    },
  };
}

function restockBatteries(): StationIntervention<{ count: number; soc?: number }> {
  return {
    name: 'restock_batteries',
    description: 'Delivers new batteries to the station (at the given SoC, default the charge target).',
    args: z
      .strictObject({
        count: z.number().int().min(1).max(1000),
        soc: z.number().min(0).max(1).meta({ title: 'SoC' }).optional(),
      })
      .meta({ title: 'Restock batteries' }),
    apply(asset, args): InterventionEffect {
      const st = asset.runtime;
      const net = st.net;
      const soc = args.soc ?? net.targetSoc;
      const ids: string[] = [];
      for (let i = 0; i < args.count; i++) {
        const b = net.newBattery(`${st.id}.b${String(++st.batterySeq).padStart(2, '0')}`, 0, soc, 1);
        b.cycleCount = 0;
        b.station = st;
        net.createBatteryAsset(b, st.id);
        st.idle.push(b);
        if (net.needsCharge(b)) st.pushCharge(b);
        ids.push(b.id);
      }
      net.restocked += args.count;
      fillChargers(net, st);
      net.updateStation(st, chargingPatch(net, st), 'BATTERIES_RESTOCKED', {
        count: args.count,
        soc,
        first: ids[0],
        last: ids[ids.length - 1],
      });
      tryStartSwaps(net, st);
      return { note: `${args.count} batteries ${ids[0]}..${ids[ids.length - 1]}` };
    },
  };
}

function bay(st: StationRt, id: string) {
  const found = st.bays.find((b) => b.id === id);
  if (found === undefined) {
    throw new InterventionRejected(`${st.id} has no bay "${id}" (bays: ${st.bays.map((b) => b.id).join(', ')})`);
  }
  return found;
}

function closeBay(): StationIntervention<{ bay_id: string }> {
  return {
    name: 'close_bay',
    description: 'Closes a swap bay; a swap in progress in it finishes first.',
    args: z.strictObject({ bay_id: z.string() }).meta({ title: 'Close a bay' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      const b = bay(st, args.bay_id);
      if (b.closed) throw new InterventionRejected(`${args.bay_id} is already closed`);
      b.closed = true;
      net.updateStation(st, { closed_bays: st.closedBayIds(), bays_available: st.freeBays() }, 'BAY_CLOSED', {
        bay_id: args.bay_id,
        in_use: b.rider !== null,
      });
    },
  };
}

function reopenBay(): StationIntervention<{ bay_id: string }> {
  return {
    name: 'reopen_bay',
    description: 'Reopens a closed swap bay.',
    args: z.strictObject({ bay_id: z.string() }).meta({ title: 'Reopen a bay' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      const b = bay(st, args.bay_id);
      if (!b.closed) throw new InterventionRejected(`${args.bay_id} is not closed`);
      b.closed = false;
      net.updateStation(st, { closed_bays: st.closedBayIds(), bays_available: st.freeBays() }, 'BAY_REOPENED', {
        bay_id: args.bay_id,
      });
      tryStartSwaps(net, st);
    },
  };
}

type FaultArgs = { target: string; fault_type: (typeof FAULT_TYPES)[number]; duration_seconds: number };

function injectFault(): StationIntervention<FaultArgs> {
  return {
    name: 'inject_fault',
    description:
      'Breaks one charger for a while: connector_lock_failure (its battery is stuck, no power), charger_offline ' +
      '(its battery goes back to the queue, no power), slow_charging (half power).',
    args: z
      .strictObject({ target: z.string(), fault_type: z.enum(FAULT_TYPES), duration_seconds: durationS })
      .meta({ title: 'Inject a charger fault' }),
    apply(asset, args): InterventionEffect {
      const st = asset.runtime;
      const net = st.net;
      const c = st.chargers.find((x) => x.id === args.target);
      if (c === undefined) {
        throw new InterventionRejected(
          `${st.id} has no charger "${args.target}" (chargers: ${st.chargers.map((x) => x.id).join(', ')})`,
        );
      }
      if (c.faultType !== null) throw new InterventionRejected(`${c.id} already has a ${c.faultType} fault`);
      c.faultType = args.fault_type;
      if (args.fault_type === 'connector_lock_failure') {
        c.stateBeforeFault = c.state;
        c.state = 'faulted';
      } else if (args.fault_type === 'charger_offline') {
        c.stateBeforeFault = c.state === 'charging' ? 'idle' : c.state;
        unplug(net, st, c, 'CHARGING_STOPPED');
        c.state = 'offline';
      }
      c.refresh();
      reallocate(net, st);
      fillChargers(net, st);
      net.updateStation(st, chargingPatch(net, st), 'FAULT_INJECTED', {
        charger: c.id,
        fault_type: args.fault_type,
        duration_seconds: args.duration_seconds,
      });
      return {
        durationS: args.duration_seconds,
        note: `${c.id} ${args.fault_type}`,
        end: () => {
          const fault = c.faultType;
          c.faultType = null;
          if (fault === 'connector_lock_failure' || fault === 'charger_offline') {
            c.state = c.battery !== null ? 'charging' : c.stateBeforeFault === 'reserve' ? 'reserve' : 'idle';
          }
          c.refresh();
          reallocate(net, st);
          fillChargers(net, st);
          net.updateStation(st, chargingPatch(net, st), 'FAULT_CLEARED', { charger: c.id, fault_type: fault });
          tryStartSwaps(net, st);
        },
      };
    },
  };
}

function setServiceSpeed(): StationIntervention<{ factor: number }> {
  return {
    name: 'set_service_speed',
    description: 'Scales swap speed (2 = swaps take half as long) for swaps that start from now.',
    args: z.strictObject({ factor: z.number().min(0.1).max(10) }).meta({ title: 'Service speed' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      st.serviceSpeed = args.factor;
      net.updateStation(st, { service_speed: args.factor }, 'SERVICE_SPEED_CHANGED', null, { always: true });
    },
  };
}

function setMaintenanceMode(): StationIntervention<{ enabled: boolean }> {
  return {
    name: 'set_maintenance_mode',
    description: 'Maintenance: no new swaps (those in progress finish), queued riders are sent on, arrivals balk.',
    args: z.strictObject({ enabled: z.boolean() }).meta({ title: 'Maintenance mode' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      if (st.maintenance === args.enabled) {
        throw new InterventionRejected(`${st.id} maintenance mode is already ${args.enabled ? 'on' : 'off'}`);
      }
      st.maintenance = args.enabled;
      st.status = net.computeStatus(st);
      net.updateStation(st, { status: st.status }, args.enabled ? 'MAINTENANCE_STARTED' : 'MAINTENANCE_ENDED', null, {
        always: true,
      });
      if (args.enabled) {
        for (let r = st.peekQueue(); r !== null; r = st.peekQueue()) renege(net, st, r, 'maintenance');
      } else {
        tryStartSwaps(net, st);
      }
    },
  };
}

function setGridPowerLimit(): StationIntervention<{ kw: number }> {
  return {
    name: 'set_grid_power_limit',
    description: 'Changes the power the station may draw; chargers share it from now on.',
    args: z.strictObject({ kw: z.number().min(0).max(100_000) }).meta({ title: 'Grid power limit' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      st.gridLimitKw = args.kw;
      reallocate(net, st);
      net.updateStation(
        st,
        { grid_power_limit_kw: args.kw, power_draw_kw: st.powerDrawKw },
        'GRID_LIMIT_CHANGED',
        null,
        {
          always: true,
        },
      );
    },
  };
}

function openReserveChargers(): StationIntervention<{ count?: number }> {
  return {
    name: 'open_reserve_chargers',
    description: 'Opens reserve chargers (all by default) so more batteries charge at once.',
    args: z.strictObject({ count: z.number().int().min(1).optional() }).meta({ title: 'Open reserve chargers' }),
    apply(asset, args) {
      const st = asset.runtime;
      const net = st.net;
      const reserve = st.chargers.filter(
        (c) => c.state === 'reserve' || (c.faultType !== null && c.stateBeforeFault === 'reserve'),
      );
      if (reserve.length === 0) throw new InterventionRejected(`${st.id} has no reserve chargers left`);
      const opened = reserve.slice(0, args.count ?? reserve.length);
      for (const c of opened) {
        if (c.state === 'reserve') c.state = 'idle';
        else c.stateBeforeFault = 'idle';
        c.refresh();
      }
      fillChargers(net, st);
      net.updateStation(st, chargingPatch(net, st), 'RESERVE_CHARGERS_OPENED', {
        chargers: opened.map((c) => c.id),
        count: opened.length,
      });
    },
  };
}
