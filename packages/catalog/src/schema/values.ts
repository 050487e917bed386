/** Values the catalog's enumerated text columns take, in every dialect. */
export const SIMULATION_STATUSES = ['ready', 'running', 'paused', 'breakpoint', 'finished', 'failed'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed'] as const;
export const TEST_RUN_STATUSES = ['queued', 'running', 'passed', 'failed', 'error'] as const;
export const EXPERIMENT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
