/**
 * The Experiments view's form as experiment text (the YAML `doppel experiment run` reads), and an experiment's
 * results as CSV: both pure, so the view only wires them to inputs and links.
 */
import type { Experiment } from '@doppel/client';

export interface ExperimentForm {
  readonly name: string;
  /** The base scenario as the server finds it: relative to its examples' experiments folder. */
  readonly scenario: string;
  /** A scenario field by path (`swap.station_defaults.reserve_chargers`). */
  readonly factor: string;
  /** The factor's values, comma-separated: numbers stay numbers. */
  readonly values: string;
  readonly replications: number;
  /** Outputs to collect, comma-separated (`kpis.wait_mean_s`). */
  readonly outputs: string;
  readonly seed: number;
}

/** The server's path of a scenario file among its examples (examples/<folder>/<id>.yaml). */
export function exampleScenarioPath(folder: string, id: string): string {
  return `../${folder}/${id}.yaml`;
}

function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A value as YAML: numbers and booleans bare, anything else quoted. */
function yamlValue(text: string): string {
  return /^-?\d+(\.\d+)?$/.test(text) || text === 'true' || text === 'false' ? text : JSON.stringify(text);
}

/** The experiment text of the form: a grid over one factor (none: replications of the base alone). */
export function experimentText(form: ExperimentForm): string {
  const values = listOf(form.values);
  const lines = [
    `name: ${JSON.stringify(form.name)}`,
    `seed: ${form.seed}`,
    'base:',
    `  scenario: ${JSON.stringify(form.scenario)}`,
  ];
  if (form.factor.trim().length > 0 && values.length > 0) {
    lines.push('factors:', `  ${form.factor.trim()}: [${values.map(yamlValue).join(', ')}]`);
  }
  lines.push(`replications: ${form.replications}`, `outputs: [${listOf(form.outputs).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per point and output: the point's settings, then the estimate with its interval. */
export function resultsCsv(experiment: Experiment): string {
  const results = experiment.results;
  if (results === null) return '';
  const header = ['point', ...experiment.factors, 'output', 'mean', 'ci_low', 'ci_high', 'half_width', 'n'];
  const rows = results.estimates.map((row) => {
    const point = results.points.find((p) => p.index === row.pointIndex);
    const settings = experiment.factors.map((factor) => {
      const value = point?.settings[factor];
      return value === undefined ? null : String(value);
    });
    return [point?.label ?? String(row.pointIndex), ...settings, row.output, row.mean, row.ciLow, row.ciHigh]
      .concat([row.halfWidth, row.n])
      .map(csvCell)
      .join(',');
  });
  return [header.map(csvCell).join(','), ...rows].join('\n') + '\n';
}
