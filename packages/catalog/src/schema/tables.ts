import type { AnySQLiteColumn, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { DELIVERY_STATUSES, EXPERIMENT_STATUSES, SIMULATION_STATUSES, TEST_RUN_STATUSES } from './values.js';

/**
 * The column builders of one SQL dialect, under the SQLite builders' types: the catalog's queries are written once
 * against the SQLite tables (connection.ts), and a dialect whose builders make the same columns can stand in.
 */
export interface DialectBuilders {
  readonly table: typeof sqliteTable;
  readonly text: typeof text;
  /** A whole number read as a JavaScript number. */
  readonly integer: typeof integer;
  /** A double-precision float. */
  readonly real: typeof real;
  readonly index: typeof index;
}

/**
 * The catalog's tables, declared once for every dialect. Property names are the column names (snake_case), so a
 * row reads the same in every dialect and in every call site. Times are ISO-8601 text, JSON is text: both dialects
 * store them alike.
 */
export function catalogTables({ table, text, integer, real, index }: DialectBuilders) {
  const accounts = table('accounts', {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    created_at: text('created_at').notNull(),
  });

  // Columns many tables share, spelled once. Each call makes fresh builders, since a builder belongs to one table.
  /** A required reference whose rows go when the row they belong to goes. */
  const belongsTo = <N extends string>(name: N, target: () => AnySQLiteColumn) =>
    text(name).notNull().references(target, { onDelete: 'cascade' });
  const ownedByAccount = () => ({
    id: text('id').primaryKey(),
    account_id: belongsTo('account_id', () => accounts.id),
  });
  const createdAndUpdated = () => ({
    created_at: text('created_at').notNull(),
    updated_at: text('updated_at').notNull(),
  });

  const apiKeys = table('api_keys', {
    ...ownedByAccount(),
    key_hash: text('key_hash').notNull().unique(),
    scopes: text('scopes').notNull(),
    created_at: text('created_at').notNull(),
    revoked_at: text('revoked_at'),
  });

  const simulations = table(
    'simulations',
    {
      ...ownedByAccount(),
      name: text('name').notNull(),
      pack: text('pack').notNull(),
      example: text('example'),
      scenario_json: text('scenario_json').notNull(),
      seed: integer('seed').notNull(),
      parent_id: text('parent_id'),
      fork_time: real('fork_time'),
      status: text('status', { enum: SIMULATION_STATUSES }).notNull(),
      sim_time: real('sim_time').notNull(),
      duration_s: real('duration_s').notNull(),
      start_iso: text('start_iso').notNull(),
      timezone: text('timezone').notNull(),
      head_seq: integer('head_seq').notNull().default(0),
      head_hash: text('head_hash'),
      speed: real('speed'),
      error: text('error'),
      intervention_log: text('intervention_log').notNull().default('[]'),
      created_at: text('created_at').notNull(),
    },
    (table) => [index('simulations_account').on(table.account_id, table.created_at)],
  );

  const vehicles = table('vehicles', {
    ...ownedByAccount(),
    physical_vehicle_id: text('physical_vehicle_id').notNull(),
    model_type: text('model_type').notNull(),
    simulation_id: text('simulation_id'),
    asset_id: text('asset_id'),
    created_at: text('created_at').notNull(),
  });

  const webhooks = table('webhooks', {
    ...ownedByAccount(),
    url: text('url').notNull(),
    /** Comma-separated ledger event types or lifecycle names; `*` for all. */
    event_types: text('event_types').notNull(),
    simulation_id: text('simulation_id'),
    secret: text('secret').notNull(),
    created_at: text('created_at').notNull(),
  });

  const webhookDeliveries = table(
    'webhook_deliveries',
    {
      id: text('id').primaryKey(),
      webhook_id: belongsTo('webhook_id', () => webhooks.id),
      /** Null for test deliveries, which belong to no simulation. */
      simulation_id: text('simulation_id'),
      event_count: integer('event_count').notNull(),
      status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
      attempts: integer('attempts').notNull(),
      last_status_code: integer('last_status_code'),
      last_error: text('last_error'),
      /** ISO time of the next attempt while pending or retrying. */
      next_attempt_at: text('next_attempt_at'),
      ...createdAndUpdated(),
      /** Insertion order, the tie-break of deliveries created in the same millisecond. */
      seq: integer('seq'),
    },
    (table) => [
      index('deliveries_webhook').on(table.webhook_id, table.created_at),
      index('deliveries_webhook_status').on(table.webhook_id, table.status),
    ],
  );

  /** Scenario tests (YAML text as `doppel test` reads it) per account. */
  const scenarioTests = table(
    'scenario_tests',
    {
      ...ownedByAccount(),
      name: text('name').notNull(),
      description: text('description'),
      pack: text('pack').notNull(),
      scenario: text('scenario').notNull(),
      yaml: text('yaml').notNull(),
      ...createdAndUpdated(),
    },
    (table) => [index('scenario_tests_account').on(table.account_id, table.created_at)],
  );

  /** Runs of scenario tests: progress while they run, the result once they end. */
  const testRuns = table(
    'test_runs',
    {
      ...ownedByAccount(),
      test_id: belongsTo('test_id', () => scenarioTests.id),
      test_name: text('test_name').notNull(),
      status: text('status', { enum: TEST_RUN_STATUSES }).notNull(),
      done: integer('done').notNull().default(0),
      total: integer('total').notNull().default(0),
      error: text('error'),
      first_failure: text('first_failure'),
      /** The TestResult as JSON once the run finished; null before and for runs that ended in an error. */
      result_json: text('result_json'),
      /** TestReplay as JSON once the run finished (what re-creates its shown replication as a simulation). */
      replay_json: text('replay_json'),
      created_at: text('created_at').notNull(),
      started_at: text('started_at'),
      finished_at: text('finished_at'),
      /** Insertion order: the tie-break of runs created in the same millisecond, and which run is a test's latest. */
      seq: integer('seq'),
    },
    (table) => [
      index('test_runs_test').on(table.test_id, table.created_at),
      index('test_runs_status').on(table.status),
    ],
  );

  /** Modelling projects per account: each holds machine models. */
  const projects = table(
    'projects',
    {
      ...ownedByAccount(),
      name: text('name').notNull(),
      description: text('description'),
      ...createdAndUpdated(),
    },
    (table) => [index('projects_account').on(table.account_id, table.created_at)],
  );

  /** Machine models of a project: components and connections as one JSON document (the process pack's model shape). */
  const machineModels = table(
    'machine_models',
    {
      ...ownedByAccount(),
      project_id: belongsTo('project_id', () => projects.id),
      name: text('name').notNull(),
      description: text('description'),
      /** `{ components, connections }` as JSON text. */
      model_json: text('model_json').notNull(),
      ...createdAndUpdated(),
    },
    (table) => [index('machine_models_project').on(table.project_id, table.created_at)],
  );

  /** A model's communication bindings: one signal of the model to one point of a device each. */
  const modelBindings = table(
    'model_bindings',
    {
      ...ownedByAccount(),
      model_id: belongsTo('model_id', () => machineModels.id),
      /** The binding (signal, direction, endpoint, address and its options) as JSON text. */
      binding_json: text('binding_json').notNull(),
      ...createdAndUpdated(),
    },
    (table) => [index('model_bindings_model').on(table.model_id, table.created_at)],
  );

  /**
   * FMUs uploaded per account: what their modelDescription.xml says, as JSON (the archive itself is a file of the
   * data directory named by the id). Nothing is keyed on the FMU's guid.
   */
  const fmus = table(
    'fmus',
    {
      ...ownedByAccount(),
      name: text('name').notNull(),
      fmi_version: text('fmi_version').notNull(),
      model_name: text('model_name').notNull(),
      size_bytes: integer('size_bytes').notNull(),
      sha256: text('sha256').notNull(),
      variable_count: integer('variable_count').notNull(),
      /** The model description as the API shows it (capabilities, default experiment, variables), JSON text. */
      description_json: text('description_json').notNull(),
      created_at: text('created_at').notNull(),
    },
    (table) => [index('fmus_account').on(table.account_id, table.created_at)],
  );

  /**
   * Experiments per account: the experiment's text, what the design varies and collects, its state, and its results
   * (JSON) once it succeeded. Progress is written when the run ends, not at every replication.
   */
  const experiments = table(
    'experiments',
    {
      ...ownedByAccount(),
      name: text('name').notNull(),
      status: text('status', { enum: EXPERIMENT_STATUSES }).notNull(),
      yaml: text('yaml').notNull(),
      /** Field paths the design varies, a JSON array. */
      factors_json: text('factors_json').notNull(),
      /** Outputs collected, a JSON array. */
      outputs_json: text('outputs_json').notNull(),
      confidence: real('confidence').notNull(),
      done: integer('done').notNull().default(0),
      total: integer('total').notNull().default(0),
      cached: integer('cached').notNull().default(0),
      error: text('error'),
      /** The results as the API serves them, JSON; null until the experiment succeeded. */
      results_json: text('results_json'),
      created_at: text('created_at').notNull(),
      started_at: text('started_at'),
      finished_at: text('finished_at'),
    },
    (table) => [
      index('experiments_account').on(table.account_id, table.created_at),
      index('experiments_status').on(table.status),
    ],
  );

  return {
    accounts,
    apiKeys,
    simulations,
    vehicles,
    webhooks,
    webhookDeliveries,
    scenarioTests,
    testRuns,
    projects,
    machineModels,
    modelBindings,
    fmus,
    experiments,
  };
}
