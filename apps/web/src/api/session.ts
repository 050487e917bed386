/**
 * The API key of this browser tab. The start URL printed by `doppel serve` carries it in the fragment
 * (`#key=...`), which never reaches a server log; it is kept in sessionStorage (gone when the tab closes) and
 * removed from the address bar at once.
 */

const STORAGE_KEY = 'doppel.apiKey';

/** The key in a URL fragment like `#key=abc` or `#/city/sim-1&key=abc`, or null. */
export function keyFromFragment(hash: string): string | null {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split(/[&?]/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).replace(/^\/+/, '') === 'key') {
      const value = decodeURIComponent(part.slice(eq + 1)).trim();
      return value.length > 0 ? value : null;
    }
  }
  return null;
}

/**
 * The fragment without its key part (what stays in the address bar). A bare start URL opens the City: the demo
 * city is the first thing to see.
 */
export function fragmentWithoutKey(hash: string): string {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const kept = text.split('&').filter((p) => !/^\/*key=/.test(p));
  const rest = kept.join('&');
  return rest.length > 0 && rest !== '/' ? `#${rest}` : '#/city';
}

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Private modes may refuse storage: the key then lives only in memory for this page.
  }
}

/** A key in the address bar's fragment, stored and removed from the address bar at once; null when none. */
export function takeKeyFromUrl(): string | null {
  const fromUrl = keyFromFragment(window.location.hash);
  if (fromUrl === null) return null;
  saveKey(fromUrl);
  history.replaceState(
    null,
    '',
    `${window.location.pathname}${window.location.search}${fragmentWithoutKey(window.location.hash)}`,
  );
  return fromUrl;
}

/** On start: take a key from the fragment (and clean the address bar), else the stored one. */
export function bootstrapKey(): string | null {
  return takeKeyFromUrl() ?? loadKey();
}

/**
 * A start URL pasted into a tab already on the app changes only the fragment (no page load): take its key then
 * too, and tell the router about the cleaned fragment (replaceState fires no hashchange of its own).
 */
export function onKeyInUrl(onKey: (key: string) => void): () => void {
  const listener = (): void => {
    const key = takeKeyFromUrl();
    if (key === null) return;
    onKey(key);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}
