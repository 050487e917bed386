import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  type ClientSubscription,
  DataType,
  type DataValue,
  MessageSecurityMode,
  type NodeId,
  NodeClass,
  OPCUACertificateManager,
  OPCUAClient,
  type ReferenceDescription,
  SecurityPolicy,
  type StatusCode,
  TimestampsToReturn,
  UserTokenType,
  Variant,
} from 'node-opcua';
import { join } from 'node:path';
import { ENDPOINT_FORM, isEndpointUrl } from './addressing.js';
import { OpcuaError, OpcuaErrorCode } from './errors.js';
import { type PlainValue, coerceToDataType, parseNodeId, plainValue } from './values.js';

export interface OpcuaClientOptions {
  /** Folder for the client's PKI (own certificate, trusted and rejected peers). */
  readonly pkiFolder: string;
  /** Reconnection backoff: first delay, cap, and how many attempts before giving up (0: fail at once). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number; readonly maxRetry?: number };
  /** Per-request timeout; a request that has no answer in time fails with DOPPEL_ERR_OPCUA_CONNECTION. 2,000 ms by default. */
  readonly requestTimeoutMs?: number;
  /** `SignAndEncrypt` uses Basic256Sha256; `None` by default. */
  readonly security?: 'None' | 'SignAndEncrypt';
  readonly user?: { readonly userName: string; readonly password: string };
}

export interface ReadResult {
  readonly value: PlainValue;
  readonly dataType: string;
  readonly status: string;
  readonly sourceTimestamp: string | null;
}

export interface BrowseEntry {
  readonly nodeId: string;
  readonly browseName: string;
  readonly displayName: string;
  readonly nodeClass: string;
}

export type ConnectionState = 'connected' | 'reconnecting' | 'closed';

/**
 * An OPC UA client session: read, write (values converted to the node's DataType), browse and subscribe. When the
 * connection breaks it reconnects with exponential backoff and keeps its subscriptions; requests made meanwhile fail
 * at once with DOPPEL_ERR_OPCUA_CONNECTION instead of waiting. Bad statuses are `OpcuaError`s with the status name.
 */
export class OpcuaClient {
  private state: ConnectionState = 'connected';
  private readonly dataTypes = new Map<string, DataType>();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private subscription: ClientSubscription | undefined;

  private constructor(
    private readonly client: OPCUAClient,
    private readonly session: ClientSession,
    private readonly certificates: OPCUACertificateManager,
    readonly endpointUrl: string,
    private readonly requestTimeoutMs: number,
  ) {
    client.on('start_reconnection', () => this.setState('reconnecting'));
    client.on('connection_lost', () => this.setState('reconnecting'));
    client.on('after_reconnection', () => this.setState('connected'));
    client.on('connection_reestablished', () => this.setState('connected'));
  }

  static async connect(endpointUrl: string, options: OpcuaClientOptions): Promise<OpcuaClient> {
    if (!isEndpointUrl(endpointUrl)) {
      const expected = ENDPOINT_FORM;
      throw new OpcuaError(OpcuaErrorCode.Address, `endpoint "${endpointUrl}": expected ${expected}`, {
        expected,
        actual: endpointUrl,
      });
    }
    const certificates = new OPCUACertificateManager({
      rootFolder: join(options.pkiFolder, 'pki'),
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
    });
    const secure = options.security === 'SignAndEncrypt';
    const client = OPCUAClient.create({
      applicationName: 'Doppel',
      applicationUri: 'urn:doppel:client',
      clientCertificateManager: certificates,
      endpointMustExist: false,
      securityMode: secure ? MessageSecurityMode.SignAndEncrypt : MessageSecurityMode.None,
      securityPolicy: secure ? SecurityPolicy.Basic256Sha256 : SecurityPolicy.None,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      transportTimeout: options.requestTimeoutMs ?? 2_000,
      connectionStrategy: {
        initialDelay: options.backoff?.initialMs ?? 250,
        maxDelay: options.backoff?.maxMs ?? 5_000,
        maxRetry: options.backoff?.maxRetry ?? 1_000_000,
      },
    });
    try {
      await client.connect(endpointUrl);
    } catch (error) {
      await certificates.dispose();
      throw new OpcuaError(OpcuaErrorCode.Connection, `cannot connect to ${endpointUrl}: ${messageOf(error)}`);
    }
    try {
      const session = await client.createSession(
        options.user
          ? { type: UserTokenType.UserName, userName: options.user.userName, password: options.user.password }
          : undefined,
      );
      return new OpcuaClient(client, session, certificates, endpointUrl, options.requestTimeoutMs ?? 2_000);
    } catch (error) {
      await client.disconnect().catch(() => undefined);
      await certificates.dispose();
      throw new OpcuaError(
        OpcuaErrorCode.Status,
        `${endpointUrl}: the server refused the session: ${messageOf(error)}`,
      );
    }
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Calls `listener` on every change of connection state; returns the unsubscribe function. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async read(nodeIdText: string): Promise<ReadResult> {
    const nodeId = parseNodeId(nodeIdText);
    const dataValue = await this.request(`read ${nodeIdText}`, () =>
      this.session.read({ nodeId, attributeId: AttributeIds.Value }),
    );
    this.check(dataValue.statusCode, `read ${nodeIdText}`);
    return {
      value: plainValue(dataValue.value),
      dataType: DataType[dataValue.value.dataType] ?? String(dataValue.value.dataType),
      status: dataValue.statusCode.name,
      sourceTimestamp: dataValue.sourceTimestamp?.toISOString() ?? null,
    };
  }

  /** Writes a value converted to the node's built-in DataType (read once per node and remembered). */
  async write(nodeIdText: string, value: PlainValue): Promise<void> {
    const nodeId = parseNodeId(nodeIdText);
    const dataType = await this.dataTypeOf(nodeId, nodeIdText);
    const variant = new Variant({ dataType, value: coerceToDataType(value, dataType, `write ${nodeIdText}`) });
    const status = await this.request(`write ${nodeIdText}`, () =>
      this.session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } }),
    );
    this.check(status, `write ${nodeIdText}`);
  }

  /** The hierarchical children of a node (Objects folder by default). */
  async browse(nodeIdText = 'i=85'): Promise<BrowseEntry[]> {
    const nodeId = parseNodeId(nodeIdText);
    const result = await this.request(`browse ${nodeIdText}`, () =>
      this.session.browse({
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        nodeClassMask: 0,
        resultMask: 63,
      }),
    );
    this.check(result.statusCode, `browse ${nodeIdText}`);
    return (result.references ?? []).map((reference: ReferenceDescription) => ({
      nodeId: reference.nodeId.toString(),
      browseName: reference.browseName.toString(),
      displayName: reference.displayName.text ?? '',
      nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
    }));
  }

  /**
   * Monitors a node's value: `onValue` gets every change the server reports (sampling interval in ms). The
   * subscription survives reconnections. Returns a function that stops monitoring.
   */
  async subscribe(
    nodeIdText: string,
    samplingMs: number,
    onValue: (result: ReadResult) => void,
  ): Promise<() => Promise<void>> {
    const nodeId = parseNodeId(nodeIdText);
    this.subscription ??= await this.request('create subscription', () =>
      this.session.createSubscription2({
        requestedPublishingInterval: Math.max(10, samplingMs),
        requestedLifetimeCount: 600,
        requestedMaxKeepAliveCount: 20,
        maxNotificationsPerPublish: 10_000,
        publishingEnabled: true,
        priority: 1,
      }),
    );
    const item = await this.request(`monitor ${nodeIdText}`, () =>
      this.subscription!.monitor(
        { nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: samplingMs, discardOldest: true, queueSize: 10 },
        TimestampsToReturn.Both,
      ),
    );
    item.on('changed', (dataValue: DataValue) => {
      onValue({
        value: plainValue(dataValue.value),
        dataType: DataType[dataValue.value.dataType] ?? String(dataValue.value.dataType),
        status: dataValue.statusCode.name,
        sourceTimestamp: dataValue.sourceTimestamp?.toISOString() ?? null,
      });
    });
    item.on('err', () => undefined);
    return async () => {
      await item.terminate().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    await this.subscription?.terminate().catch(() => undefined);
    await this.session.close().catch(() => undefined);
    await this.client.disconnect().catch(() => undefined);
    await this.certificates.dispose();
  }

  private async dataTypeOf(nodeId: NodeId, text: string): Promise<DataType> {
    const key = nodeId.toString();
    const known = this.dataTypes.get(key);
    if (known !== undefined) return known;
    const dataType = await this.request(`read the DataType of ${text}`, () => this.session.getBuiltInDataType(nodeId));
    this.dataTypes.set(key, dataType);
    return dataType;
  }

  private async request<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.state !== 'connected') {
      throw new OpcuaError(OpcuaErrorCode.Connection, `${this.endpointUrl}: ${what}: the connection is ${this.state}`, {
        state: this.state,
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new OpcuaError(
              OpcuaErrorCode.Connection,
              `${this.endpointUrl}: ${what}: no answer within ${this.requestTimeoutMs} ms`,
            ),
          ),
        this.requestTimeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      if (error instanceof OpcuaError) throw error;
      const status = statusOfError(error);
      if (status) {
        throw new OpcuaError(OpcuaErrorCode.Status, `${this.endpointUrl}: ${what}: ${status.name}`, {}, status);
      }
      throw new OpcuaError(OpcuaErrorCode.Connection, `${this.endpointUrl}: ${what}: ${messageOf(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private check(status: StatusCode, what: string): void {
    if (status.isGood()) return;
    if (status.isGoodish?.()) return;
    throw new OpcuaError(
      OpcuaErrorCode.Status,
      `${this.endpointUrl}: ${what}: ${status.name}`,
      { description: status.description },
      { name: status.name, value: status.value },
    );
  }

  private setState(state: ConnectionState): void {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** node-opcua rejects some service calls with an Error that carries the response's status code. */
function statusOfError(error: unknown): { name: string; value: number } | undefined {
  const candidate = (error as { statusCode?: unknown; response?: { responseHeader?: { serviceResult?: unknown } } })
    ?.statusCode;
  if (candidate && typeof candidate === 'object' && 'name' in candidate && 'value' in candidate) {
    return { name: String(candidate.name), value: Number(candidate.value) };
  }
  return undefined;
}
