import { CodedError } from '@doppel/engine';
/** Stable error codes of the twin core. Tests and API clients match on `code`, never on message text. */
export const TwinErrorCode = {
  ScenarioInvalid: 'DOPPEL_ERR_SCENARIO_INVALID',
  ScenarioNotFound: 'DOPPEL_ERR_SCENARIO_NOT_FOUND',
  UnknownPack: 'DOPPEL_ERR_UNKNOWN_PACK',
  UnknownAsset: 'DOPPEL_ERR_UNKNOWN_ASSET',
  DuplicateAsset: 'DOPPEL_ERR_DUPLICATE_ASSET',
  UnknownAction: 'DOPPEL_ERR_UNKNOWN_ACTION',
  InvalidArguments: 'DOPPEL_ERR_INVALID_ARGUMENTS',
  InterventionInPast: 'DOPPEL_ERR_INTERVENTION_IN_PAST',
  InterventionRejected: 'DOPPEL_ERR_INTERVENTION_REJECTED',
  UnknownIntervention: 'DOPPEL_ERR_UNKNOWN_INTERVENTION',
  InvalidState: 'DOPPEL_ERR_INVALID_STATE',
  InvalidExpression: 'DOPPEL_ERR_INVALID_EXPRESSION',
  UnknownBreakpoint: 'DOPPEL_ERR_UNKNOWN_BREAKPOINT',
  TimeOutOfRange: 'DOPPEL_ERR_TIME_OUT_OF_RANGE',
  SimulationFinished: 'DOPPEL_ERR_SIMULATION_FINISHED',
  /** The model or an intervention handler threw (anything but InterventionRejected): the simulation is failed. */
  SimulationFailed: 'DOPPEL_ERR_SIMULATION_FAILED',
  /** The operation does not fit the simulation's current status (e.g. stepping while a paced run is going on). */
  SimulationBusy: 'DOPPEL_ERR_SIMULATION_BUSY',
  /** Debug mode paused the run after a chunk: acknowledge (POST …/ack) before it runs on. */
  AwaitingAck: 'DOPPEL_ERR_AWAITING_ACK',
  LedgerCorrupt: 'DOPPEL_ERR_LEDGER_CORRUPT',
  LedgerGap: 'DOPPEL_ERR_LEDGER_GAP',
  UnknownSimulation: 'DOPPEL_ERR_UNKNOWN_SIMULATION',
} as const;
export type TwinErrorCode = (typeof TwinErrorCode)[keyof typeof TwinErrorCode];

/** What kind of problem a {@link ScenarioIssue} is; stable, for tests and API clients. */
export const ScenarioIssueCode = {
  YamlSyntax: 'yaml_syntax',
  /** Over a bound of contracts/limits.ts: document size, nesting depth, aliases. */
  InputLimit: 'input_limit',
  UnknownKey: 'unknown_key',
  MissingField: 'missing_field',
  InvalidType: 'invalid_type',
  InvalidValue: 'invalid_value',
  InvalidDuration: 'invalid_duration',
  InvalidTime: 'invalid_time',
  UnknownPack: 'unknown_pack',
  MissingSeed: 'missing_seed',
  UnknownConstant: 'unknown_constant',
  UnknownReference: 'unknown_reference',
  ReferenceCycle: 'reference_cycle',
  ExtendsCycle: 'extends_cycle',
  UnknownInput: 'unknown_input',
  InputMissing: 'input_missing',
  InputInvalid: 'input_invalid',
  UnknownAction: 'unknown_action',
} as const;
export type ScenarioIssueCode = (typeof ScenarioIssueCode)[keyof typeof ScenarioIssueCode];

/** A located problem in a scenario document: file, line and column, field path, expected and found. */
export interface ScenarioIssue {
  /** The kind of problem (set by the scenario loader). */
  readonly code?: ScenarioIssueCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted field path, e.g. `swap.stations[3].bays`. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** Nearest valid key for a misspelt one. */
  readonly suggestion?: string;
}

export class TwinError extends CodedError<TwinErrorCode> {
  override name = 'TwinError';
}

/**
 * An error that carries located problems (file:line:column and field path each) besides its code: what a test file,
 * an experiment or a dataset refuses with, so that the CLI and the API list every problem at once.
 */
export class IssuesError<Code extends string> extends CodedError<Code> {
  readonly issues: readonly ScenarioIssue[];
  constructor(code: Code, message: string, issues: readonly ScenarioIssue[] = [], details?: Record<string, unknown>) {
    super(code, message, details);
    this.issues = issues;
  }
}

/** Every problem of a scenario at once, each located. */
export class ScenarioError extends TwinError {
  readonly issues: readonly ScenarioIssue[];
  constructor(issues: readonly ScenarioIssue[]) {
    super(TwinErrorCode.ScenarioInvalid, formatIssues(issues), { issues });
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

/** Thrown by an intervention handler to refuse it with a reason; the intervention ends FAILED. */
export class InterventionRejected extends TwinError {
  constructor(reason: string) {
    super(TwinErrorCode.InterventionRejected, reason);
    this.name = 'InterventionRejected';
  }
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const path = issue.path ? ` ${issue.path}:` : '';
  const expectation =
    issue.expected !== undefined || issue.found !== undefined
      ? ` (expected ${issue.expected ?? '?'}, found ${issue.found ?? '?'})`
      : '';
  const hint = issue.suggestion ? ` Did you mean "${issue.suggestion}"?` : '';
  return `${where}${path} ${issue.message}${expectation}${hint}`;
}

export function formatIssues(issues: readonly ScenarioIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `Scenario has ${count}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`;
}
