import { setDebugLogger, setErrorLogger, setWarningLogger } from 'node-opcua';

/**
 * node-opcua prints its warnings to stdout, where they would mix with a command's output (`--json`): send them to a
 * sink of the caller's choice instead (stderr, a logger, or nowhere).
 */
export function routeOpcuaLogs(sink: (line: string) => void): void {
  const print = (...parts: unknown[]): void => sink(parts.map(String).join(' '));
  setWarningLogger(print);
  setErrorLogger(print);
  setDebugLogger(print);
}
