export { DoppelClient, type DoppelClientOptions, type StepInput, type GodModeBody } from './client.js';
export { DoppelApiError } from './errors.js';
export {
  openStream,
  type StreamOptions,
  type StreamSubscription,
  type WebSocketFactory,
  type WebSocketLike,
} from './stream.js';
export type * from './types.js';
