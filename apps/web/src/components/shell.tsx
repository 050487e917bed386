import type { ReactNode } from 'react';
import type { SimSummary } from '../api/types.js';
import { displayClock } from '../lib/clock-time.js';
import { routeHref, type Route } from '../lib/router.js';
import { SPEEDS, speedIndex } from './transport-bar.js';

const STATE_LABEL: Record<string, string> = {
  ready: '○ ready',
  running: '▶ running',
  paused: '❚❚ paused',
  breakpoint: '◆ at breakpoint',
  finished: '■ finished',
  failed: '✕ failed',
};

export function Rail({
  route,
  citySim,
  lineSim,
  fleetSim,
}: {
  route: Route;
  citySim?: string;
  lineSim?: string;
  fleetSim?: string;
}): ReactNode {
  const items: { view: Route['view']; label: string; icon: string; href: string }[] = [
    { view: 'simulations', label: 'Simulations', icon: '☰', href: routeHref({ view: 'simulations' }) },
    { view: 'city', label: 'City', icon: '◉', href: routeHref({ view: 'city', simId: citySim }) },
    { view: 'line', label: 'Line', icon: '⇶', href: routeHref({ view: 'line', simId: lineSim }) },
    { view: 'fleet', label: 'Fleet', icon: '⇉', href: routeHref({ view: 'fleet', simId: fleetSim }) },
    { view: 'models', label: 'Models', icon: '⊞', href: routeHref({ view: 'models' }) },
    { view: 'tests', label: 'Tests', icon: '✔', href: routeHref({ view: 'tests' }) },
    { view: 'experiments', label: 'Experiments', icon: '⚗', href: routeHref({ view: 'experiments' }) },
    { view: 'controlplane', label: 'Control plane', icon: '⇆', href: routeHref({ view: 'controlplane' }) },
  ];
  const active =
    route.view === 'new'
      ? 'simulations'
      : route.view === 'compare'
        ? 'simulations'
        : route.view === 'fmus'
          ? 'models'
          : route.view;
  return (
    <nav className="rail" aria-label="Main">
      <div className="brand" aria-label="Doppel">
        Doppel
      </div>
      {items.map((it) => (
        <a key={it.view} href={it.href} aria-current={active === it.view ? 'page' : undefined}>
          <span className="icon" aria-hidden="true">
            {it.icon}
          </span>
          {it.label}
        </a>
      ))}
    </nav>
  );
}

export function TopBar({
  sim,
  viewTime,
  account,
  onSignOut,
}: {
  sim: SimSummary | undefined;
  /** The slider's instant when it shows the past, null at the live head. */
  viewTime: number | null;
  account: string | undefined;
  onSignOut: () => void;
}): ReactNode {
  const past = sim !== undefined && viewTime !== null;
  const clock = sim === undefined ? undefined : displayClock(sim, viewTime ?? sim.simTime);
  return (
    <header className="topbar" aria-label="Simulation status">
      {sim === undefined ? (
        <span className="muted">No simulation open</span>
      ) : (
        <>
          <span className="sim-name" title={sim.id}>
            {sim.name}
          </span>
          <span
            className={`clock${past ? ' past' : ''}`}
            aria-label={past ? 'Sim clock, showing the past' : 'Sim clock'}
            data-testid="sim-clock"
          >
            <span className="muted">{clock?.date}</span>
            <span className="time">{clock?.time}</span>
            <span className="faint">{sim.timeZone}</span>
            {past && (
              <span className="tag past" data-testid="sim-clock-past">
                past · live {displayClock(sim, sim.simTime).time.slice(0, 5)}
              </span>
            )}
          </span>
          {sim.debug?.awaitingAck === true ? (
            <span className="state-pill breakpoint" data-testid="sim-state" aria-label="State: debug pause">
              ◆ debug pause: Continue to go on
            </span>
          ) : (
            <span className={`state-pill ${sim.state}`} data-testid="sim-state" aria-label={`State: ${sim.state}`}>
              {STATE_LABEL[sim.state] ?? sim.state}
            </span>
          )}
          <span className="muted" aria-label="Speed">
            speed <strong className="num">{SPEEDS[speedIndex(sim.speed)].label}</strong>
          </span>
        </>
      )}
      <span className="spacer" />
      <span className="muted" aria-label="Account">
        {account ?? '…'}
      </span>
      <button type="button" className="ghost" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
