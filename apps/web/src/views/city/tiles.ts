/**
 * Optional raster tiles under the map (off by default: the app works offline). The template is a standard XYZ URL
 * such as `https://tiles.example/{z}/{x}/{y}.png`, set by the user and kept in localStorage.
 */
import type { Projection } from '../../lib/projection.js';

const STORAGE_KEY = 'doppel.tileUrl';

export function loadTileUrl(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveTileUrl(url: string): void {
  try {
    if (url === '') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, url);
  } catch {
    // Storage refused: the setting lasts for this page only.
  }
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

function lonToTileX(lon: number, z: number): number {
  return ((lon + 180) / 360) * 2 ** z;
}
function latToTileY(lat: number, z: number): number {
  const r = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
}
function tileXToLon(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}
function tileYToLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)));
}

const cache = new Map<string, HTMLImageElement>();

/**
 * Draws the tiles covering the canvas at the zoom level whose tiles are about 256 px wide. Each tile is drawn into
 * the projected rectangle of its own corners, so neighbours meet exactly. `onLoad` is called when a missing tile
 * arrives (the map then redraws once).
 */
export function drawTiles(
  ctx: CanvasRenderingContext2D,
  template: string,
  p: Projection,
  width: number,
  height: number,
  onLoad: () => void,
): void {
  const z = Math.max(0, Math.min(19, Math.round(Math.log2((360 * p.scale) / 256))));
  const lonMin = p.toLon(0);
  const lonMax = p.toLon(width);
  const latMax = Math.min(85, p.toLat(0));
  const latMin = Math.max(-85, p.toLat(height));
  const x0 = Math.floor(lonToTileX(lonMin, z));
  const x1 = Math.floor(lonToTileX(lonMax, z));
  const y0 = Math.floor(latToTileY(latMax, z));
  const y1 = Math.floor(latToTileY(latMin, z));
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > 200) return;
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const url = tileUrl(template, z, x, y);
      let img = cache.get(url);
      if (img === undefined) {
        img = new Image();
        img.crossOrigin = 'anonymous';
        img.onload = onLoad;
        img.src = url;
        cache.set(url, img);
      }
      if (!img.complete || img.naturalWidth === 0) continue;
      const left = p.toX(tileXToLon(x, z));
      const right = p.toX(tileXToLon(x + 1, z));
      const top = p.toY(tileYToLat(y, z));
      const bottom = p.toY(tileYToLat(y + 1, z));
      ctx.drawImage(img, left, top, right - left, bottom - top);
    }
  }
}
