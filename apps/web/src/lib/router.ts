/** Hash routes: the app is served as static files, so the fragment carries the view (and survives reloads). */
import { useEffect, useState } from 'react';

export type Route =
  | { readonly view: 'simulations' }
  | { readonly view: 'new' }
  | { readonly view: 'city'; readonly simId?: string; readonly assetId?: string }
  | { readonly view: 'line'; readonly simId?: string; readonly assetId?: string }
  | { readonly view: 'fleet'; readonly simId?: string; readonly assetId?: string }
  | { readonly view: 'compare'; readonly a: string; readonly b?: string }
  | { readonly view: 'tests'; readonly testId?: string }
  /** A control-plane simulation, with the scenario test run whose rule verdicts it shows (`?run=`). */
  | { readonly view: 'controlplane'; readonly simId?: string; readonly runId?: string }
  | { readonly view: 'models'; readonly modelId?: string }
  /** The account's FMUs (part of the Models floor), with one shown whole. */
  | { readonly view: 'fmus'; readonly fmuId?: string }
  | { readonly view: 'experiments'; readonly experimentId?: string };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = (hash.startsWith('#') ? hash.slice(1) : hash).split('?');
  const parts = path
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const assetId = params.get('asset') ?? undefined;
  switch (parts[0]) {
    case 'new':
      return { view: 'new' };
    case 'city':
      return { view: 'city', simId: parts[1], assetId };
    case 'line':
      return { view: 'line', simId: parts[1], assetId };
    case 'fleet':
      return { view: 'fleet', simId: parts[1], assetId };
    case 'tests':
      return { view: 'tests', testId: parts[1] };
    case 'controlplane':
      return { view: 'controlplane', simId: parts[1], runId: params.get('run') ?? undefined };
    case 'models':
      return { view: 'models', modelId: parts[1] };
    case 'fmus':
      return { view: 'fmus', fmuId: parts[1] };
    case 'experiments':
      return { view: 'experiments', experimentId: parts[1] };
    case 'compare':
      return parts[1] === undefined ? { view: 'simulations' } : { view: 'compare', a: parts[1], b: parts[2] };
    default:
      return { view: 'simulations' };
  }
}

export function routeHref(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.view) {
    case 'simulations':
      return '#/';
    case 'new':
      return '#/new';
    case 'city':
    case 'line':
    case 'fleet': {
      const base = `#/${route.view}${route.simId === undefined ? '' : `/${enc(route.simId)}`}`;
      return route.assetId === undefined ? base : `${base}?asset=${enc(route.assetId)}`;
    }
    case 'controlplane': {
      const base = `#/controlplane${route.simId === undefined ? '' : `/${enc(route.simId)}`}`;
      return route.runId === undefined ? base : `${base}?run=${enc(route.runId)}`;
    }
    case 'models':
      return `#/models${route.modelId === undefined ? '' : `/${enc(route.modelId)}`}`;
    case 'fmus':
      return `#/fmus${route.fmuId === undefined ? '' : `/${enc(route.fmuId)}`}`;
    case 'experiments':
      return `#/experiments${route.experimentId === undefined ? '' : `/${enc(route.experimentId)}`}`;
    case 'tests':
      return `#/tests${route.testId === undefined ? '' : `/${enc(route.testId)}`}`;
    case 'compare':
      return `#/compare/${enc(route.a)}${route.b === undefined ? '' : `/${enc(route.b)}`}`;
  }
}

/** The view that shows a pack's simulations (the City view for packs without a view of their own). */
export function viewOfPack(pack: string): 'city' | 'line' | 'fleet' {
  return pack === 'line' ? 'line' : pack === 'fleet' ? 'fleet' : 'city';
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
