/** The version of the `doppel` tool, recorded in bundles and summaries. */
export const VERSION = '0.1.0';
