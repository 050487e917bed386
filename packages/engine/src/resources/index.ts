export { Resource, Request, Release, holding, type ResourceOptions, type RequestState } from './resource.js';
export {
  PriorityResource,
  PriorityRequest,
  PreemptiveResource,
  Preempted,
  type PriorityRequestOptions,
  type PreemptiveRequestOptions,
} from './priority-resource.js';
export { Container, ContainerPut, ContainerGet, type ContainerOptions } from './container.js';
export {
  Store,
  FilterStore,
  PriorityStore,
  PriorityItem,
  StorePut,
  StoreGet,
  type StoreOptions,
  type PriorityStoreOptions,
} from './store.js';
export { ResourceError, RESOURCE_ERROR_CODES, type ResourceErrorCode } from './errors.js';
