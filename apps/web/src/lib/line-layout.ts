/** Positions for a line's topology: machines in columns by their distance from the line's start, rows within. */

export interface Placed {
  readonly rank: number;
  readonly row: number;
}

/**
 * Rank = longest path from a machine with no upstream buffer (so a merge sits right of all its feeders); ties keep
 * the given order. Cycles (rework loops) are cut at the back edge.
 */
export function layoutLine(
  order: readonly string[],
  edges: readonly { from: string; to: string }[],
): Map<string, Placed> {
  const known = new Set(order);
  const ups = new Map<string, string[]>(order.map((id) => [id, []]));
  for (const e of edges) if (known.has(e.from) && known.has(e.to) && e.from !== e.to) ups.get(e.to)?.push(e.from);
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const rankOf = (id: string): number => {
    const done = rank.get(id);
    if (done !== undefined) return done;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let r = 0;
    for (const u of ups.get(id) ?? []) r = Math.max(r, rankOf(u) + 1);
    visiting.delete(id);
    rank.set(id, r);
    return r;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, Placed>();
  for (const id of order) {
    const r = rankOf(id);
    const row = rows.get(r) ?? 0;
    rows.set(r, row + 1);
    out.set(id, { rank: r, row });
  }
  return out;
}
