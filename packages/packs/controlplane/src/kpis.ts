import { counterKpi, gaugeKpi, type KpiDefinition } from '@doppel/twin';

export const CONTROL_PLANE_KPIS: readonly KpiDefinition[] = [
  gaugeKpi('newest_generation', 'generations', 'Newest plan generation'),
  gaugeKpi('applied_generation', 'generations', "The zone's applied generation"),
  gaugeKpi('empty_records', 'endpoints', 'Record sets answering with nothing now'),
  counterKpi(
    'empty_record_endpoint_seconds',
    'endpoint·s',
    'Seconds of empty record × endpoints (safety: 0 to approve)',
  ),
  counterKpi(
    'client_empty_endpoint_seconds',
    'endpoint·s',
    'Seconds clients got empty answers × endpoints, resolver mean',
  ),
  gaugeKpi('plan_to_insync_p50_s', 's', 'Median time from a plan to its change being INSYNC'),
  gaugeKpi('plan_to_insync_p99_s', 's', '99th percentile time from a plan to its change being INSYNC'),
  counterKpi('stale_writes', 'writes', 'Record writes of an older plan over a newer one'),
  counterKpi('active_plans_deleted', 'plans', 'Plans deleted while referenced'),
  gaugeKpi('enactors_stuck', 'enactors', 'Enactors that make no progress'),
  counterKpi('repairs', 'repairs', 'Operator repairs'),
  counterKpi('outcomes_missed', 'events', 'Replayed events whose outcome differed from the expected one'),
];
