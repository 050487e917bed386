import type { DoppelApi } from './api.js';

export function createDoppelApi(_key: string): DoppelApi {
  throw new Error('not wired yet');
}
