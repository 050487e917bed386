import { join } from 'node:path';
import { Catalog } from '@doppel/catalog';
import type { ServerConfig } from './config.js';
import { isStorageFailure, storageError } from './storage-errors.js';

/**
 * The server's catalog: PostgreSQL when a catalog URL is configured, else `catalog.sqlite` in the data directory
 * (created as needed); a disk that refuses is reported with the path and the cause.
 */
export async function openCatalog(config: ServerConfig): Promise<Catalog> {
  if (config.catalogUrl !== null) return Catalog.connect(config.catalogUrl);
  try {
    return Catalog.open(config.dataDir);
  } catch (error) {
    if (isStorageFailure(error)) throw storageError(error, join(config.dataDir, 'catalog.sqlite'), 'open the catalog');
    throw error;
  }
}
