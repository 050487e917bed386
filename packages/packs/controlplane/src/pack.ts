import type { AssetKindDefinition, Pack } from '@doppel/twin';
import {
  controlPlaneConfigSchema,
  eventRowSchema,
  planRowSchema,
  recordRowSchema,
  type ControlPlaneConfig,
} from './config.js';
import { repairZone, stallEnactor } from './interventions.js';
import { CONTROL_PLANE_KPIS } from './kpis.js';
import { ControlPlaneModel, type ControlPlaneBuildOptions } from './model.js';
import {
  endpointStateSchema,
  enactorStateSchema,
  operatorStateSchema,
  plannerStateSchema,
  replayStateSchema,
  resolverStateSchema,
  zoneStateSchema,
} from './state.js';

const kinds: AssetKindDefinition[] = [
  {
    kind: 'endpoint',
    title: 'Endpoint',
    description: 'A regional endpoint: its weighted record set in the zone, written from a plan.',
    state: endpointStateSchema,
    interventions: [],
    kpis: [],
  },
  {
    kind: 'enactor',
    title: 'Enactor',
    description: 'Applies the newest plan to the zone, endpoint by endpoint, then cleans up old plans.',
    state: enactorStateSchema,
    interventions: [stallEnactor],
    kpis: [],
  },
  {
    kind: 'planner',
    title: 'Planner',
    description: 'Makes plan generations (load balancer weights per endpoint) into the plan table.',
    state: plannerStateSchema,
    interventions: [],
    kpis: [],
  },
  {
    kind: 'zone',
    title: 'Route 53 hosted zone',
    description: 'The record sets of the region; changes go PENDING then INSYNC.',
    state: zoneStateSchema,
    interventions: [],
    kpis: [],
  },
  {
    kind: 'resolver',
    title: 'Resolver',
    description: 'A caching resolver of the region: clients see a change once its cached copy expires (TTL).',
    state: resolverStateSchema,
    interventions: [],
    kpis: [],
  },
  {
    kind: 'operator',
    title: 'Operator',
    description: 'Repairs the zone once a record set is empty, or an Enactor stuck, for the threshold.',
    state: operatorStateSchema,
    interventions: [repairZone],
    kpis: [],
  },
  {
    kind: 'replay',
    title: 'Event-log replay',
    description: 'The replayed event log: events run and outcomes met or missed.',
    state: replayStateSchema,
    interventions: [],
    kpis: [],
  },
];

/** A control-plane pack; `options.enactors` adds Enactor versions (a user-supplied module's) by name. */
export function createControlPlanePack(
  options: ControlPlaneBuildOptions = {},
): Pack<ControlPlaneConfig, ControlPlaneModel> {
  return {
    name: 'controlplane',
    title: 'Control plane (DNS planner and enactors)',
    version: '0.1.0',
    config: controlPlaneConfigSchema,
    inputs: {
      records: { description: 'Route 53 record sets (a `doppel capture route53` snapshot).', row: recordRowSchema },
      plans: { description: 'The plan table (a `doppel capture dynamodb` snapshot).', row: planRowSchema },
      events: {
        description: 'An event log to replay (timestamp, type, payload, expected_outcome).',
        row: eventRowSchema,
      },
    },
    assetKinds: kinds,
    kpis: CONTROL_PLANE_KPIS,
    build: (context) => new ControlPlaneModel(context, options),
  };
}

/** The control-plane pack (seed 003) with the legacy and guarded Enactors. */
export const controlPlanePack = createControlPlanePack();
