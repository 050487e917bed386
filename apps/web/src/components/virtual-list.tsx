import { useState, type ReactNode } from 'react';

interface Props<T> {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly height: number;
  readonly render: (item: T, index: number) => ReactNode;
  readonly label: string;
}

/** Renders only the rows in view (plus a few), so a feed of thousands of events costs a few dozen DOM nodes. */
export function VirtualList<T>({ items, rowHeight, height, render, label }: Props<T>): ReactNode {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + 5);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vl-row" role="listitem" style={{ top: i * rowHeight, height: rowHeight }}>
        {render(items[i], i)}
      </div>,
    );
  }
  return (
    <div
      className="vlist"
      role="list"
      aria-label={label}
      tabIndex={0}
      style={{ height }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
