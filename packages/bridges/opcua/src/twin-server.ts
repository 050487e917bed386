import { join } from 'node:path';
import {
  AccessLevelFlag,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  type NodeId,
  OPCUAServer,
  PermissionType,
  resolveNodeId,
  SecurityPolicy,
  type BaseNode,
  type StatusCode,
  StatusCodes,
  type UAObject,
  type UAVariable,
  Variant,
  type Namespace,
  WellKnownRoles,
} from 'node-opcua';
import { freePort } from './free-port.js';
import { routeOpcuaLogs } from './logs.js';
import { engineeringUnits } from './units.js';
import { type PlainValue, plainValue } from './values.js';

/** The OPC UA built-in types a state field is served as. */
export type TwinDataType = 'Double' | 'Int32' | 'Boolean' | 'String';

export interface TwinFieldModel {
  /** The state field's name: the variable's browse name. */
  readonly name: string;
  readonly dataType: TwinDataType;
  /** Unit symbol (`degC`, `m`, `kW`…): an AnalogItem with EngineeringUnits when set on a number. */
  readonly unit?: string;
  readonly description?: string;
  /** A client may write it (it maps onto an intervention); read-only otherwise. */
  readonly writable: boolean;
}

export interface TwinAssetModel {
  readonly id: string;
  readonly kind: string;
  readonly fields: readonly TwinFieldModel[];
}

export interface TwinSimulationModel {
  readonly simId: string;
  readonly name: string;
  /** The account that owns the simulation: only its users may write. */
  readonly owner: string;
  readonly assets: readonly TwinAssetModel[];
  /** Each asset's state at the live head. */
  readonly states: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Who a session is: an account (from user name and password) and whether it may write. */
export interface TwinUser {
  readonly accountId: string;
  readonly canWrite: boolean;
}

export interface TwinWrite {
  readonly simId: string;
  readonly assetId: string;
  readonly field: string;
  readonly value: PlainValue;
  readonly user: TwinUser;
}

/** How a write ended: `Good`, or the OPC UA status name of the refusal (nothing changed then). */
export type TwinWriteStatus =
  | 'Good'
  | 'BadUserAccessDenied'
  | 'BadTypeMismatch'
  | 'BadOutOfRange'
  | 'BadInvalidState'
  | 'BadNodeIdUnknown'
  | 'BadInternalError';

export interface TwinOpcuaServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** Where the server keeps its PKI: its own certificate, trusted and rejected client certificates. */
  readonly pkiFolder: string;
  /** Checks a user name and password (an account's name and one of its API keys); null refuses the session. */
  authenticate(userName: string, password: string): Promise<TwinUser | null>;
  /** A client's write to a writable variable, validated and applied by the twin. */
  write(request: TwinWrite): Promise<TwinWriteStatus>;
  /** Where node-opcua's own messages go (it prints to stdout otherwise). */
  readonly log?: (line: string) => void;
}

interface LiveSimulation {
  readonly model: TwinSimulationModel;
  readonly namespace: Namespace;
  readonly folder: UAObject;
  /** Each asset's latest state, read by the variables' getters. */
  readonly states: Map<string, Record<string, unknown>>;
}

/**
 * The OPC UA role that stands for one account. Every node of a simulation grants its permissions to its owner's role
 * alone, so another account (or an anonymous session) neither browses nor reads it: tenancy holds over OPC UA as over
 * HTTP.
 */
function accountRole(accountId: string): NodeId {
  return resolveNodeId(`ns=1;s=doppel-account:${accountId}`);
}

const OWNER_PERMISSIONS =
  PermissionType.Browse | PermissionType.Read | PermissionType.Write | PermissionType.ReceiveEvents;

const READ = AccessLevelFlag.CurrentRead;
const READ_WRITE = AccessLevelFlag.CurrentRead | AccessLevelFlag.CurrentWrite;
/** Monitored items sample a variable at most this often (ms). */
const MIN_SAMPLING_MS = 50;

/** The URI of a simulation's namespace: each simulation has its own, so its NodeIds never collide with another's. */
export function simulationNamespaceUri(simId: string): string {
  return `urn:doppel:simulation:${simId}`;
}

/**
 * Doppel's simulations as an OPC UA address space. Each simulation added is a folder object under Objects with one
 * object per asset, in a namespace of its own (`urn:doppel:simulation:<id>`); every state field is a variable
 * (`ns=N;s=<assetId>.<field>`) with its DataType, engineering units and access level. Values follow the states the
 * caller hands to `update` (read on demand, so monitored items see them change). A write to a writable variable goes
 * to `options.write`, which turns it into an intervention; only the simulation's owner with write access may write,
 * others are answered BadUserAccessDenied.
 *
 * Endpoints: SecurityPolicy None (local use) and Basic256Sha256 with Sign&Encrypt; user name/password sessions
 * (checked by `options.authenticate`) browse and read their own account's simulations only. Anonymous sessions are
 * allowed (a client reads the server's own nodes before signing in) but see no simulation.
 */
export class TwinOpcuaServer {
  private readonly simulations = new Map<string, LiveSimulation>();
  /**
   * The user of the write being served. node-opcua hands a setter the value only, but asks `isUserWritable(context)`
   * synchronously right before calling it: the check leaves the session's user here and the setter takes it.
   */
  private writer: TwinUser | null = null;

  private constructor(
    private readonly server: OPCUAServer,
    /** The user behind each activated session (sessions are node-opcua's objects, so a WeakMap forgets them). */
    private readonly users: WeakMap<object, TwinUser>,
    private readonly certificates: OPCUACertificateManager,
    private readonly options: TwinOpcuaServerOptions,
    readonly endpointUrl: string,
    readonly port: number,
  ) {}

  static async start(options: TwinOpcuaServerOptions): Promise<TwinOpcuaServer> {
    const host = options.host ?? '127.0.0.1';
    if (options.log !== undefined) routeOpcuaLogs(options.log);
    const certificates = new OPCUACertificateManager({
      rootFolder: join(options.pkiFolder, 'pki'),
      // Clients are authenticated by their account's key over the encrypted channel; their application
      // certificates are accepted on first use (and land in pki/trusted, where an operator can revoke them).
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
    });
    const port = options.port > 0 ? options.port : await freePort(host);
    const users = new WeakMap<object, TwinUser>();
    /** The account behind each user name that signed in (an account's name is its user name). */
    const accounts = new Map<string, string>();
    const server = new OPCUAServer({
      port,
      hostname: host,
      serverCertificateManager: certificates,
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
      allowAnonymous: true,
      buildInfo: { productName: 'Doppel', manufacturerName: 'Doppel' },
      serverInfo: { applicationUri: 'urn:doppel:server' },
      userManager: {
        isValidUserAsync(userName, password, callback) {
          options.authenticate(userName, password).then(
            (user) => {
              if (user !== null) {
                users.set(this, user);
                accounts.set(userName, user.accountId);
              }
              callback(null, user !== null);
            },
            () => callback(null, false),
          );
        },
        getUserRoles(userName: string): NodeId[] {
          const accountId = accounts.get(userName);
          const authenticated = resolveNodeId(WellKnownRoles.AuthenticatedUser);
          return accountId === undefined ? [authenticated] : [authenticated, accountRole(accountId)];
        },
      },
    });
    await server.initialize();
    await server.start();
    return new TwinOpcuaServer(server, users, certificates, options, `opc.tcp://${host}:${port}`, port);
  }

  /** Adds a simulation's assets (or replaces them, when the simulation is there already). */
  addSimulation(model: TwinSimulationModel): void {
    this.removeSimulation(model.simId);
    const addressSpace = this.server.engine.addressSpace;
    if (!addressSpace) throw new Error('the OPC UA server has no address space');
    const uri = simulationNamespaceUri(model.simId);
    const namespace = (
      addressSpace.getNamespaceIndex(uri) >= 0 ? addressSpace.getNamespace(uri) : addressSpace.registerNamespace(uri)
    ) as Namespace;
    const folder = namespace.addObject({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: model.simId,
      displayName: model.name,
      nodeId: 's=simulation',
    });
    const ownerOnly = (node: BaseNode): void =>
      node.setRolePermissions([{ roleId: accountRole(model.owner), permissions: OWNER_PERMISSIONS }]);
    ownerOnly(folder);
    const live: LiveSimulation = { model, namespace, folder, states: new Map() };
    this.simulations.set(model.simId, live);
    try {
      for (const asset of model.assets) {
        live.states.set(asset.id, { ...(model.states[asset.id] ?? {}) });
        const object = namespace.addObject({
          organizedBy: folder,
          browseName: asset.id,
          nodeId: `s=${asset.id}`,
          description: `${asset.kind} ${asset.id}`,
        });
        ownerOnly(object);
        for (const field of asset.fields) ownerOnly(this.addField(live, object, asset, field));
      }
    } catch (error) {
      // All or nothing: a simulation half in the address space would answer for assets it does not serve.
      this.removeSimulation(model.simId);
      throw error;
    }
  }

  /** Takes a simulation's assets out of the address space (its namespace stays registered, empty). */
  removeSimulation(simId: string): void {
    const live = this.simulations.get(simId);
    if (live === undefined) return;
    this.simulations.delete(simId);
    const addressSpace = this.server.engine.addressSpace;
    if (!addressSpace) return;
    for (const child of live.folder.findReferencesAsObject('Organizes', true)) addressSpace.deleteNode(child);
    addressSpace.deleteNode(live.folder);
  }

  /** The simulations served now. */
  simulationIds(): string[] {
    return [...this.simulations.keys()];
  }

  /** An asset's fields changed: the state is merged, and readers and monitored items see the new values. */
  update(simId: string, assetId: string, changes: Readonly<Record<string, unknown>>): void {
    const state = this.simulations.get(simId)?.states.get(assetId);
    if (state !== undefined) Object.assign(state, changes);
  }

  /** Sessions connected now. */
  sessionCount(): number {
    return this.server.engine.currentSessionCount;
  }

  async stop(): Promise<void> {
    await this.server.shutdown(0);
    await this.certificates.dispose();
  }

  private addField(live: LiveSimulation, object: UAObject, asset: TwinAssetModel, field: TwinFieldModel): UAVariable {
    const simId = live.model.simId;
    const dataType = DataType[field.dataType];
    const get = (): Variant => {
      const value = live.states.get(asset.id)?.[field.name];
      return new Variant({ dataType, value: served(value, field.dataType) });
    };
    const write = async (variant: Variant): Promise<StatusCode> => {
      const user = this.writer;
      this.writer = null;
      if (user === null) return StatusCodes.BadUserAccessDenied;
      const value = plainValue(variant);
      try {
        const status = await this.options.write({ simId, assetId: asset.id, field: field.name, value, user });
        return StatusCodes[status];
      } catch {
        return StatusCodes.BadInternalError;
      }
    };
    const common = {
      componentOf: object,
      browseName: field.name,
      nodeId: `s=${asset.id}.${field.name}`,
      description: field.description,
      minimumSamplingInterval: MIN_SAMPLING_MS,
      accessLevel: field.writable ? READ_WRITE : READ,
      userAccessLevel: field.writable ? READ_WRITE : READ,
    };
    const bound = field.writable ? { get, set: write } : { get };
    const variable: UAVariable =
      field.unit !== undefined && (field.dataType === 'Double' || field.dataType === 'Int32')
        ? live.namespace.addAnalogDataItem({
            ...common,
            dataType: field.dataType,
            engineeringUnits: engineeringUnits(field.unit),
            engineeringUnitsRange: { low: -1e300, high: 1e300 },
            value: bound,
          })
        : live.namespace.addVariable({ ...common, dataType: field.dataType, value: bound });
    if (field.writable) {
      // Only the owning account, signed in with a key that may write, writes; node-opcua answers the others
      // BadUserAccessDenied before the value reaches the twin.
      variable.isUserWritable = (context) => {
        const user = context.session === undefined ? undefined : this.users.get(context.session);
        const allowed = user !== undefined && user.canWrite && user.accountId === live.model.owner;
        this.writer = allowed ? user : null;
        return allowed;
      };
    }
    return variable;
  }
}

/** A state value as the variable's DataType holds it (a missing or odd value reads as the type's zero). */
function served(value: unknown, dataType: TwinDataType): number | boolean | string {
  switch (dataType) {
    case 'Double':
      return typeof value === 'number' ? value : Number.NaN;
    case 'Int32':
      return typeof value === 'number' && Number.isInteger(value) ? value : 0;
    case 'Boolean':
      return value === true;
    case 'String':
      return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  }
}
