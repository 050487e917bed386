import { escapeHtml } from './escape.js';

export interface ChartMark {
  readonly time: number;
  readonly label: string;
}

const WIDTH = 560;
const HEIGHT = 150;
const PAD = { left: 56, right: 30, top: 20, bottom: 26 };

/**
 * A small inline SVG line chart of one KPI over sim time, with the scenario's hours on the x axis and marks (red)
 * at the instants of violations and failed steps. Plain SVG: the report stays one offline file.
 */
export function lineChart(
  title: string,
  points: readonly (readonly [number, number])[],
  marks: readonly ChartMark[],
  hourLabel: (time: number) => string,
): string {
  if (points.length === 0) return '';
  const t0 = Math.min(...points.map((point) => point[0]));
  const t1 = Math.max(...points.map((point) => point[0]), t0 + 1);
  let v0 = Math.min(...points.map((point) => point[1]));
  let v1 = Math.max(...points.map((point) => point[1]));
  if (v0 === v1) {
    v0 -= 1;
    v1 += 1;
  }
  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number): number => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0)) * (HEIGHT - PAD.top - PAD.bottom);
  const path = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  const step = (t1 - t0) / 4;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + i * step;
    ticks.push(
      `<text x="${x(t).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(hourLabel(t))}</text>`,
    );
  }
  const markLines = marks
    .filter((mark) => mark.time >= t0 && mark.time <= t1)
    .map(
      (mark) =>
        `<line class="mark" x1="${x(mark.time).toFixed(1)}" x2="${x(mark.time).toFixed(1)}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"><title>${escapeHtml(mark.label)}</title></line>`,
    )
    .join('');
  return `<figure class="chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(`${title} over time`)}">
<text class="title" x="${PAD.left}" y="13">${escapeHtml(title)}</text>
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}"/>
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${escapeHtml(compact(v1))}</text>
<text x="${PAD.left - 6}" y="${HEIGHT - PAD.bottom}" text-anchor="end">${escapeHtml(compact(v0))}</text>
${ticks.join('')}${markLines}
<polyline class="line" points="${path}"/>
</svg></figure>`;
}

function compact(value: number): string {
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number(value.toPrecision(3)).toString();
}
