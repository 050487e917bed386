/** Stable codes of the catalog's own failures. */
export const CatalogErrorCode = {
  /** The catalog location is malformed (not a postgres:// URL, say). */
  BadLocation: 'DOPPEL_ERR_CATALOG_LOCATION',
  /** The database could not be reached or migrated. */
  Unavailable: 'DOPPEL_ERR_CATALOG_UNAVAILABLE',
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];

export class CatalogError extends Error {
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}
