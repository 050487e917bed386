import {
  FmiError,
  FmiErrorCode,
  loadFmu,
  parseInputCsv,
  simulateFmu,
  type HostLog,
  type LoadedFmu,
  type ModelDescription,
  type ScalarValue,
} from '@doppel/bridge-fmi';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { csvLine } from '../csv.js';
import { UserError } from '../user-error.js';
import { registerServerCommands } from './fmu-server.js';

/** FMI problems caused by the FMU's own code (exit 1); everything else FmiError reports is bad input (exit 2). */
const FMU_FAILURES = new Set<string>([
  FmiErrorCode.CallFailed,
  FmiErrorCode.HostCrashed,
  FmiErrorCode.CallTimeout,
  FmiErrorCode.InstanceClosed,
]);

function asUserError(error: unknown): unknown {
  if (error instanceof FmiError)
    return new UserError(`${error.message} [${error.code}]`, FMU_FAILURES.has(error.code) ? 1 : 2);
  return error;
}

function open(file: string): LoadedFmu {
  try {
    return loadFmu(file);
  } catch (error) {
    throw asUserError(error);
  }
}

const text = (value: ScalarValue | undefined): string => (value === undefined ? '' : String(value));

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** What `doppel fmu info` prints: the model, its capabilities, the default experiment and a table of variables. */
export function describeFmu(md: ModelDescription): string {
  const de = md.defaultExperiment;
  const cs = md.coSimulation;
  const experiment = (['startTime', 'stopTime', 'stepSize', 'tolerance'] as const)
    .map((key) => `${key}=${de[key] === undefined ? '-' : String(de[key])}`)
    .join(' ');
  const header = [
    `model:              ${md.modelName}${md.description !== undefined ? ` (${md.description})` : ''}`,
    `FMI version:        ${md.fmiVersion} co-simulation${md.hasModelExchange ? ' (also model exchange)' : ''}`,
    `${md.fmiVersion === '2.0' ? 'guid:              ' : 'instantiationToken:'} ${md.instantiationToken}`,
    `model identifier:   ${cs.modelIdentifier}`,
    ...(md.generationTool !== undefined ? [`generation tool:    ${md.generationTool}`] : []),
    `capabilities:       variable step size ${cs.canHandleVariableCommunicationStepSize ? 'yes' : 'no'}, get/set state ${cs.canGetAndSetFMUState ? 'yes' : 'no'}`,
    `default experiment: ${experiment}`,
    '',
  ];
  const rows = [
    ['name', 'value reference', 'causality', 'variability', 'type', 'start', 'unit'],
    ...md.variables.map((v) => [
      v.name,
      String(v.valueReference),
      v.causality,
      v.variability,
      v.type,
      text(v.start),
      v.unit ?? '',
    ]),
  ];
  return `${header.join('\n')}\n${table(rows)}\n`;
}

export interface FmuRunOptions {
  startTime?: number;
  stopTime?: number;
  outputInterval?: number;
  set?: string[];
  input?: string;
  out: string;
  log?: boolean;
  timeout?: number;
}

function number(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      throw new UserError(`${flag} must be a number, got "${value}"`);
    return parsed;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseSets(sets: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const item of sets) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UserError(`--set expects NAME=VALUE, got "${item}"`);
    values[item.slice(0, at)] = item.slice(at + 1);
  }
  return values;
}

function printLog(entry: HostLog): void {
  const level = ['ok', 'warning', 'discard', 'error', 'fatal', 'pending'][entry.status] ?? String(entry.status);
  process.stderr.write(`fmu ${level} [${entry.category}] ${entry.message}\n`);
}

/** Runs `doppel fmu run`; returns the process exit code (0 done or terminated by the FMU, 1 FMU failure). */
export async function runFmu(file: string, options: FmuRunOptions): Promise<number> {
  const parameters = parseSets(options.set ?? []);
  const fmu = open(file);
  try {
    const input =
      options.input !== undefined
        ? parseInputCsv(readFileSync(options.input, 'utf8'), options.input, fmu.modelDescription.variables)
        : undefined;
    const result = await simulateFmu(fmu, {
      ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
      ...(options.stopTime !== undefined ? { stopTime: options.stopTime } : {}),
      ...(options.outputInterval !== undefined ? { outputInterval: options.outputInterval } : {}),
      ...(options.timeout !== undefined ? { callTimeoutMs: options.timeout * 1000 } : {}),
      parameters,
      ...(input !== undefined ? { input } : {}),
      loggingOn: options.log === true,
      onLog: (entry) => {
        if (options.log === true || entry.status >= 1) printLog(entry);
      },
    });
    // String(number) is the shortest text that reads back as the same double: full precision, nothing more.
    const lines = [
      csvLine(result.columns),
      ...result.rows.map((row) => csvLine(row.map((cell) => (typeof cell === 'boolean' ? (cell ? 1 : 0) : cell)))),
    ];
    if (options.out === '-') process.stdout.write(lines.join(''));
    else writeFileSync(options.out, lines.join(''));
    if (result.end === 'terminated')
      process.stderr.write(`doppel: the FMU asked to terminate at t=${result.lastTime}\n`);
    if (result.end === 'discarded') {
      process.stderr.write(
        `doppel: the FMU could not complete the step after t=${result.lastTime}; results end there\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    throw asUserError(error);
  } finally {
    fmu.dispose();
  }
}

/** Registers `doppel fmu` (info, run; upload and list on a server). */
export function register(program: Command): void {
  const fmu = program.command('fmu').description('Inspect and run FMUs (FMI 2.0 and 3.0 co-simulation)');
  fmu
    .command('info')
    .description('Show an FMU: model, capabilities, default experiment and a table of its variables')
    .argument('<file>', 'the .fmu file')
    .option('--json', 'print the parsed model description as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const loaded = open(file);
      try {
        const md = loaded.modelDescription;
        process.stdout.write(options.json === true ? `${JSON.stringify(md, null, 2)}\n` : describeFmu(md));
      } finally {
        loaded.dispose();
      }
    });
  fmu
    .command('run')
    .description(
      'Run an FMU alone like a reference simulator; outputs at every communication point as CSV (exit 0 done, 1 the FMU failed, 2 bad input)',
    )
    .argument('<file>', 'the .fmu file')
    .option('--start-time <s>', 'start time (default: the default experiment, else 0)', number('--start-time'))
    .option('--stop-time <s>', 'stop time (default: the default experiment, else start + 1)', number('--stop-time'))
    .option(
      '--output-interval <s>',
      'communication step (default: the default experiment step size, else 1/500 of the run)',
      number('--output-interval'),
    )
    .option('--set <name=value>', 'set a parameter or start value before initialisation (repeatable)', collect)
    .option('--input <file.csv>', 'inputs: first column time, one column per input, held constant between rows')
    .requiredOption('--out <file.csv>', 'output CSV (time, then the outputs in modelDescription order); - for stdout')
    .option('--log', "turn the FMU's logging on and print every message on stderr")
    .option(
      '--timeout <s>',
      'longest one FMI call may take before the FMU is stopped (default 10)',
      number('--timeout'),
    )
    .action(async (file: string, options: FmuRunOptions) => {
      process.exitCode = await runFmu(file, options);
    });
  registerServerCommands(fmu);
}
