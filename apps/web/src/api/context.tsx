import { createContext, useContext, type ReactNode } from 'react';
import type { DoppelApi } from './api.js';

const ApiContext = createContext<DoppelApi | null>(null);

export function ApiProvider({ api, children }: { api: DoppelApi; children: ReactNode }): ReactNode {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): DoppelApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside ApiProvider');
  return api;
}
