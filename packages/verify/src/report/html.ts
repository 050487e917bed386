import type { ReplicationResult, RuleResult, StepResult, TestReport, TestResult, Violation } from '@doppel/twin';
import { lineChart, type ChartMark } from './chart.js';
import { escapeHtml as h } from './escape.js';
import { clockTime } from './report.js';

const STYLE = `
:root{--fg:#1d232b;--muted:#5b6573;--line:#d9dee5;--bg:#f6f7f9;--card:#fff;--accent:#2458b3;--ok:#1d7a3e;--bad:#b3261e}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:0 20px 40px}
.banner{padding:18px 20px;color:#fff;display:flex;gap:20px;align-items:baseline;flex-wrap:wrap}
.banner.approve{background:var(--ok)}.banner.reject{background:var(--bad)}
.banner h1{margin:0;font-size:28px;letter-spacing:.06em}.banner p{margin:0;font-size:15px}
h2{font-size:18px;margin:0}h3{font-size:14px;margin:18px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
section.test{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:16px 18px;margin:18px 0}
.head{display:flex;gap:12px;align-items:center;flex-wrap:wrap}.meta{color:var(--muted);margin:4px 0 0}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid}
.badge.passed{color:var(--ok);border-color:var(--ok)}.badge.failed{color:var(--bad);border-color:var(--bad)}.badge.skipped{color:var(--muted);border-color:var(--muted)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}pre{white-space:pre-wrap;margin:4px 0}
section.test{overflow-x:auto}.badge,td.time{white-space:nowrap}
.failures{border-left:3px solid var(--bad);padding:4px 10px;margin:10px 0;background:#fdf3f2}.failures li{margin:2px 0}
.violation{margin:6px 0 0}.violation dt{font-weight:600;float:left;width:90px;clear:left;color:var(--muted)}.violation dd{margin:0 0 2px 100px}
details summary{cursor:pointer;color:var(--accent)}tr.hit td{background:#fdf3f2;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:8px}.chart{margin:0}.chart svg{background:#fff;border:1px solid var(--line);border-radius:4px}
.chart text{font-size:10px;fill:var(--muted)}.chart .title{font-size:12px;fill:var(--fg);font-weight:600}
.chart .axis{stroke:var(--line)}.chart .line{fill:none;stroke:var(--accent);stroke-width:1.5}.chart .mark{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:3 2}
`;

/** One self-contained, offline HTML page: the verdict banner, then every test's steps, rules, statistics and charts. */
export function toHtmlReport(report: TestReport): string {
  const verdict = report.verdict;
  const summary = `${report.passed} passed, ${report.failed} failed of ${report.tests.length} test${report.tests.length === 1 ? '' : 's'} in ${report.wallS.toFixed(1)} s`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(verdict)}: Doppel test report</title><style>${STYLE}</style></head>
<body><header class="banner ${verdict === 'APPROVE' ? 'approve' : 'reject'}" role="banner">
<h1>${verdict === 'APPROVE' ? '✔' : '✘'} ${h(verdict)}</h1><p>${h(summary)}</p></header>
<main>
<h3>Tests</h3>
<table><thead><tr><th>test</th><th>result</th><th>pack</th><th>replications</th><th>time</th><th>first failure</th></tr></thead><tbody>
${report.tests.map((test, index) => `<tr><td><a href="#t${index}">${h(test.name)}</a></td><td>${badge(test.status)}</td><td>${h(test.pack)}</td><td>${test.replications.length}</td><td>${test.wallS.toFixed(1)} s</td><td>${h(test.failures[0]?.message ?? '')}</td></tr>`).join('\n')}
</tbody></table>
${report.tests.map((test, index) => testSection(test, index)).join('\n')}
</main></body></html>
`;
}

function badge(status: string): string {
  const label = status === 'passed' ? '✔ passed' : status === 'failed' ? '✘ failed' : '– skipped';
  return `<span class="badge ${h(status)}">${h(label)}</span>`;
}

function testSection(test: TestResult, index: number): string {
  const shown = shownReplication(test);
  const time = (t: number): string => clockTime(t, test);
  const marks: ChartMark[] = [];
  if (shown !== undefined) {
    for (const step of shown.steps)
      if (step.status === 'failed')
        marks.push({ time: step.endS, label: `step ${step.index + 1} failed: ${step.label}` });
    for (const rule of shown.rules)
      if (rule.first !== null)
        marks.push({ time: rule.first.simTime, label: `rule ${rule.id} violated on ${rule.first.assetId}` });
  }
  const charts = test.series
    .map((series) => lineChart(series.name, series.points, marks, (t) => time(t).replace(/:\d\d$/, '')))
    .join('');
  const replicationNote =
    test.replications.length > 1 && shown !== undefined
      ? `<p class="meta">Steps and rules of replication ${shown.index + 1}${shown.variant !== null ? ` (${h(shown.variant)})` : ''}, seed ${shown.seed}; ${test.replications.filter((r) => r.status === 'passed').length} of ${test.replications.length} replications passed.</p>`
      : '';
  return `<section class="test" id="t${index}" aria-labelledby="t${index}-name">
<div class="head"><h2 id="t${index}-name">${h(test.name)}</h2>${badge(test.status)}</div>
<p class="meta">${h(test.file)} · pack ${h(test.pack)} · scenario ${h(test.scenario)} · ${test.replications.length} replication${test.replications.length === 1 ? '' : 's'} · ${test.wallS.toFixed(1)} s${test.description ? ` · ${h(test.description)}` : ''}</p>
${test.failures.length > 0 ? `<ul class="failures">${test.failures.map((failure) => `<li><strong>${h(failure.kind)} ${h(failure.ref)}</strong>: ${h(failure.message)}</li>`).join('')}</ul>` : ''}
${charts !== '' ? `<h3>Asserted KPIs over time</h3><div class="charts">${charts}</div>` : ''}
${replicationNote}
${shown !== undefined && shown.steps.length > 0 ? stepsTable(shown.steps, time) : ''}
${shown !== undefined && shown.rules.length > 0 ? rulesTable(shown.rules, time) : ''}
${statisticsTable(test)}${baselineTable(test)}
</section>`;
}

/** The replication a report details: the first that failed, else the first. */
function shownReplication(test: TestResult): ReplicationResult | undefined {
  return test.replications.find((replication) => replication.status === 'failed') ?? test.replications[0];
}

function stepsTable(steps: readonly StepResult[], time: (t: number) => string): string {
  const rows = steps.map((step) => {
    const details = step.details !== undefined ? `<pre>${h(JSON.stringify(step.details))}</pre>` : '';
    return `<tr><td>${step.index + 1}</td><td><code>${h(step.label)}</code></td><td>${badge(step.status)}</td><td class="time">${h(time(step.startS))} → ${h(time(step.endS))}</td><td>${h(step.message ?? '')}${details}</td></tr>`;
  });
  return `<h3>Steps</h3><table><thead><tr><th>#</th><th>step</th><th>result</th><th>sim time</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function rulesTable(rules: readonly RuleResult[], time: (t: number) => string): string {
  const rows = rules.map(
    (rule) =>
      `<tr><td><code>${h(rule.id)}</code></td><td>${h(rule.category)}</td><td><code>${h(rule.condition)}</code></td><td>${badge(rule.status)}</td><td>${rule.checks.toLocaleString('en')}</td><td>${rule.violations.toLocaleString('en')}</td></tr>` +
      (rule.first !== null ? `<tr><td></td><td colspan="5">${violationsCell(rule, rule.first, time)}</td></tr>` : ''),
  );
  return `<h3>Rules (checked on every ledger event)</h3><table><thead><tr><th>rule</th><th>category</th><th>condition</th><th>result</th><th>checks</th><th>violations</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The first violation in full, then every other one kept, each with the ledger records that led to it. */
function violationsCell(rule: RuleResult, first: Violation, time: (t: number) => string): string {
  const later = (rule.kept ?? []).slice(1);
  if (later.length === 0) return violationBlock(first, 'first', time);
  const unkept = rule.violations - later.length - 1;
  const blocks = later.map((violation, index) => violationBlock(violation, `#${index + 2}`, time)).join('');
  return `${violationBlock(first, 'first', time)}<details><summary>${later.length} more violation${later.length === 1 ? '' : 's'} with ${later.length === 1 ? 'its' : 'their'} records${unkept > 0 ? ` (${unkept.toLocaleString('en')} later ones counted, not kept)` : ''}</summary>${blocks}</details>`;
}

function violationBlock(violation: Violation, ordinal: string, time: (t: number) => string): string {
  const excerpt = violation.ledger
    .map(
      (record) =>
        `<tr${record.seq === violation.seq ? ' class="hit"' : ''}><td>${record.seq}</td><td>${h(time(record.simTime))}</td><td>${h(record.assetId)}</td><td>${h(record.eventType)}</td><td><code>${h(JSON.stringify(record.newValue))}</code></td></tr>`,
    )
    .join('');
  return `<dl class="violation"><dt>${ordinal}</dt><dd>${h(time(violation.simTime))} (t = ${violation.simTime.toFixed(1)} s, ${h(violation.datetime)}), seq ${violation.seq}</dd>
<dt>asset</dt><dd>${h(violation.assetId)} after ${h(violation.eventType)}</dd><dt>why</dt><dd>${h(violation.message)}</dd>
<dt>inputs</dt><dd><code>${h(
    Object.entries(violation.inputs)
      .map(([name, value]) => `${name} = ${JSON.stringify(value)}`)
      .join(', '),
  )}</code></dd></dl>
${excerpt !== '' ? `<details open><summary>Ledger before the violation (${violation.ledger.length} records)</summary><table><thead><tr><th>seq</th><th>time</th><th>asset</th><th>event</th><th>change</th></tr></thead><tbody>${excerpt}</tbody></table></details>` : ''}`;
}

function statisticsTable(test: TestResult): string {
  if (test.statistics.length === 0) return '';
  const fmt = (value: number | null): string => (value === null ? '–' : Number(value.toPrecision(5)).toString());
  const rows = test.statistics.map(
    (s) =>
      `<tr><td>${h(s.name)}</td><td>${h(s.measure)}</td><td>${fmt(s.value)}</td><td>[${fmt(s.lower)}, ${fmt(s.upper)}] at ${(s.confidence * 100).toFixed(0)}%</td><td>${s.below !== undefined ? `&lt; ${s.below}` : ''}${s.above !== undefined ? ` &gt; ${s.above}` : ''}</td><td>${s.n}</td><td>${badge(s.status)}</td></tr>`,
  );
  return `<h3>Statistics over replications</h3><table><thead><tr><th>statistic</th><th>measure</th><th>estimate</th><th>interval</th><th>bound</th><th>n</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function baselineTable(test: TestResult): string {
  if (test.baseline.length === 0) return '';
  const rows = test.baseline.map(
    (b) =>
      `<tr><td>${h(b.name)}</td><td>${b.baseline}</td><td>${b.actual}</td><td>${(b.worseBy * 100).toFixed(1)}%</td><td>${(b.tolerance * 100).toFixed(1)}% (${h(b.better)} is better)</td><td>${badge(b.status)}</td></tr>`,
  );
  return `<h3>Baseline</h3><table><thead><tr><th>KPI</th><th>baseline</th><th>now</th><th>worse by</th><th>tolerance</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
