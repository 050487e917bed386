/** JSON values: what ledger records, asset state and intervention arguments are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
