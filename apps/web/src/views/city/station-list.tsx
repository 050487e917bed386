import { useMemo, useState, type ReactNode } from 'react';
import type { AssetView } from '../../api/types.js';
import { formatKpi } from '../../lib/format.js';
import { STATUS_GLYPH, STATUS_LABEL, STATUS_TEXT_COLOR } from '../../lib/scales.js';
import { recentWaitOf, stationStatus } from './city-map.js';

/** Rows shown at once; typing narrows the list to what matters. */
const MAX_ROWS = 200;

/**
 * Every station as a list a keyboard reaches: a filter box, then one button per station (name, status in words,
 * queue, recent wait) that opens its inspector. The canvas map shows the same stations to the eye.
 */
export function StationList({
  stations,
  selectedId,
  onSelect,
}: {
  stations: readonly AssetView[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}): ReactNode {
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const hits =
      f === '' ? stations : stations.filter((s) => `${String(s.state.name ?? '')} ${s.id}`.toLowerCase().includes(f));
    return hits.slice(0, MAX_ROWS);
  }, [stations, filter]);
  const more = (filter.trim() === '' ? stations.length : shown.length) - shown.length;
  return (
    <section id="station-list" className="panel station-list" aria-label="Stations">
      <input
        type="search"
        aria-label="Filter stations"
        placeholder="Filter stations…"
        // Opened from its button: the keyboard lands in the filter, the rows follow with Tab.
        autoFocus
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
      />
      <ul>
        {shown.map((s) => {
          const status = stationStatus(s);
          const name = String(s.state.name ?? s.id);
          const queue = typeof s.state.queue_length === 'number' ? s.state.queue_length : 0;
          return (
            <li key={s.id}>
              <button
                type="button"
                className="ghost station-row"
                aria-current={s.id === selectedId ? 'true' : undefined}
                onClick={() => onSelect(s.id)}
              >
                <span className="sr-name">{name}</span>
                <span className="sr-status" style={{ color: STATUS_TEXT_COLOR[status] }}>
                  <span aria-hidden="true">{STATUS_GLYPH[status]} </span>
                  {STATUS_LABEL[status]}
                </span>
                <span className="num">{formatKpi(queue, 'riders')}</span>
                <span className="num">{formatKpi(recentWaitOf(s), 's')}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {shown.length === 0 && <p className="faint">No station matches “{filter}”.</p>}
      {more > 0 && <p className="faint">{more} more: type to narrow the list.</p>}
    </section>
  );
}
