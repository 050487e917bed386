// The text forms of OPC UA addresses, checked without loading node-opcua (which is slow to load and talks on stdout
// as it does): a server validating bindings imports this subpath only.

/** `ns=1;s=Tank.Level`, `ns=2;i=42`, `i=85`, `ns=3;g=<GUID>`, `ns=3;b=<base64>`. */
const NODE_ID = /^(ns=\d{1,5};)?(i=\d{1,10}|s=.{1,4096}|g=[0-9a-fA-F-]{36}|b=[A-Za-z0-9+/=]{1,4096})$/s;
const ENDPOINT = /^opc\.tcp:\/\/[^/\s:]+(:\d{1,5})?(\/.*)?$/;

export const NODE_ID_FORM = 'a NodeId such as ns=1;s=Tank.Level or ns=2;i=42';
export const ENDPOINT_FORM = 'opc.tcp://host:port';

export function isNodeIdText(text: string): boolean {
  return NODE_ID.test(text);
}

export function isEndpointUrl(text: string): boolean {
  return ENDPOINT.test(text);
}
