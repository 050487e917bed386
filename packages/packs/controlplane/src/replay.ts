import type { Environment, ProcessGenerator } from '@doppel/engine';
import { parseIsoToEpochMs, type Asset, type JsonObject, type TwinModel } from '@doppel/twin';
import type { EventRow } from './config.js';
import type { ControlPlaneModel } from './model.js';
import type { ReplayState } from './state.js';

export type ReplayAsset = Asset<ReplayState, undefined>;

/**
 * Event types: `plan_generated` (the planner makes the next generation; outcome `stored`), `enactor_stall`
 * (payload `enactor`, `duration_s`; `stalled`), `dns_update` (payload `endpoint`: does its record set answer?
 * `non_empty` or `empty`), `lambda_invoke` (payload `endpoint`: a client resolves it through the first resolver's
 * cache; `success` or `failure`). Any other type's outcome is `unsupported_type`.
 *
 * Replays an event log at full speed: each event happens at its timestamp (seconds after the scenario start) and
 * its actual outcome is compared with `expected_outcome`; a miss is a ledger event with both.
 */
export function* replayProcess(
  env: Environment,
  twin: TwinModel,
  model: ControlPlaneModel,
  replay: ReplayAsset,
  rows: readonly JsonObject[],
  startIso: string,
  generatePlan: () => number,
): ProcessGenerator<void> {
  const start = parseIsoToEpochMs(startIso);
  const events = rows
    .map((row, line) => ({
      row: row as unknown as EventRow,
      line: line + 1,
      at: (parseIsoToEpochMs((row as unknown as EventRow).timestamp) - start) / 1000,
    }))
    .filter((event) => event.at >= 0)
    .sort((a, b) => a.at - b.at || a.line - b.line);
  for (const event of events) {
    if (event.at > env.now) yield env.timeout(event.at - env.now);
    const actual = outcome(model, event.row, generatePlan);
    const met = actual === event.row.expected_outcome;
    twin.update(
      replay,
      {
        events_replayed: replay.state.events_replayed + 1,
        outcomes_met: replay.state.outcomes_met + (met ? 1 : 0),
        outcomes_missed: replay.state.outcomes_missed + (met ? 0 : 1),
      },
      met ? 'EVENT_REPLAYED' : 'OUTCOME_MISSED',
      met ? null : { line: event.line, type: event.row.type, expected: event.row.expected_outcome, actual },
    );
  }
}

function outcome(model: ControlPlaneModel, row: EventRow, generatePlan: () => number): string {
  const endpointOf = () => {
    const id = String(row.payload.endpoint ?? '').replace(/\.$/, '');
    return model.zone.endpoints.find((e) => e.id === id);
  };
  switch (row.type) {
    case 'plan_generated':
      generatePlan();
      return 'stored';
    case 'enactor_stall': {
      const enactor = model.enactors.find((e) => e.id === row.payload.enactor);
      const seconds = Number(row.payload.duration_s);
      if (enactor === undefined || !(seconds > 0)) return 'unknown_enactor';
      model.stall(enactor, seconds);
      return 'stalled';
    }
    case 'dns_update': {
      const endpoint = endpointOf();
      if (endpoint === undefined) return 'unknown_endpoint';
      return endpoint.state.record_count > 0 ? 'non_empty' : 'empty';
    }
    case 'lambda_invoke': {
      const endpoint = endpointOf();
      if (endpoint === undefined) return 'unknown_endpoint';
      const resolver = model.zone.resolvers[0];
      const empty =
        resolver !== undefined
          ? resolver.runtime.cachedEmpty[endpoint.runtime.index] === 1
          : endpoint.state.record_count === 0;
      return empty ? 'failure' : 'success';
    }
    default:
      return 'unsupported_type';
  }
}
