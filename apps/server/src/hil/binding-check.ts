import { componentType } from '@doppel/pack-process';
import { ENDPOINT_FORM, NODE_ID_FORM, isEndpointUrl, isNodeIdText } from '@doppel/bridge-opcua/addressing';
import { ModbusError, isWritable, parseModbusAddress, parseModbusUrl } from '@doppel/bridge-modbus/addressing';
import type { ModelBindingInput, ProcessModelComponent } from '@doppel/twin/contracts';
import { ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';

export type BindingProtocol = 'opcua' | 'modbus' | 'mqtt';

/** The protocol an endpoint URL speaks, by its scheme; null for any other scheme. */
export function protocolOf(endpoint: string): BindingProtocol | null {
  if (endpoint.startsWith('opc.tcp://')) return 'opcua';
  if (endpoint.startsWith('modbus://')) return 'modbus';
  if (endpoint.startsWith('mqtt://') || endpoint.startsWith('mqtts://')) return 'mqtt';
  return null;
}

/**
 * The model side of a binding: `component.port` must name a component of the model and one of its type's ports.
 * An input feeds the model, and a source is what a model can be fed through (its value held at what the device
 * reads), so inputs bind a source's `out`; an output reads any output port.
 */
function modelIssues(
  binding: ModelBindingInput,
  components: readonly ProcessModelComponent[],
  at: string,
): ProblemIssue[] {
  const [componentId, port, ...rest] = binding.signal.split('.');
  if (componentId === undefined || port === undefined || rest.length > 0 || componentId === '' || port === '') {
    return [
      { path: `${at}.signal`, message: 'expected component.port', expected: 'component.port', found: binding.signal },
    ];
  }
  const component = components.find((c) => c.id === componentId);
  if (component === undefined) {
    const ids = components.map((c) => c.id);
    return [
      {
        path: `${at}.signal`,
        message: `the model has no component "${componentId}"`,
        expected: ids.length > 0 ? `one of ${ids.join(', ')}` : 'a component (the model has none)',
        found: componentId,
      },
    ];
  }
  const type = componentType(component.type);
  const parsed = type?.properties.safeParse(component.properties ?? {});
  if (type === undefined || parsed === undefined || !parsed.success) return []; // a stored model compiles
  if (binding.direction === 'input') {
    if (component.type !== 'source' || port !== 'out') {
      return [
        {
          path: `${at}.signal`,
          message: `an input feeds the model through a source component's out port; ${componentId} is a ${component.type}`,
          expected: 'source.out of a source component',
          found: binding.signal,
        },
      ];
    }
    return [];
  }
  const outputs = type
    .ports(parsed.data)
    .filter((p) => p.direction === 'out')
    .map((p) => p.name);
  if (!outputs.includes(port)) {
    return [
      {
        path: `${at}.signal`,
        message: `${componentId} (${component.type}) has no output port "${port}"`,
        expected: `one of ${outputs.map((p) => `${componentId}.${p}`).join(', ')}`,
        found: binding.signal,
      },
    ];
  }
  return [];
}

/** The device side: the endpoint's scheme picks the protocol, whose addressing the address must follow. */
function protocolIssues(binding: ModelBindingInput, at: string): ProblemIssue[] {
  const protocol = protocolOf(binding.endpoint);
  const issues: ProblemIssue[] = [];
  const issue = (field: string, message: string, expected: string, found: string): void => {
    issues.push({ path: `${at}.${field}`, message, expected, found });
  };
  if (protocol === null) {
    issue(
      'endpoint',
      'unknown protocol',
      'opc.tcp://host:port, modbus://host:port[?unit=N] or mqtt://host:port',
      binding.endpoint,
    );
    return issues;
  }
  if (binding.jsonPath !== undefined && protocol !== 'mqtt') {
    issue('jsonPath', 'a JSON path is for MQTT payloads only', 'no jsonPath', binding.jsonPath);
  }
  if (protocol === 'opcua') {
    if (!isEndpointUrl(binding.endpoint)) issue('endpoint', 'not an OPC UA endpoint', ENDPOINT_FORM, binding.endpoint);
    if (!isNodeIdText(binding.address)) issue('address', 'not an OPC UA NodeId', NODE_ID_FORM, binding.address);
  } else if (protocol === 'modbus') {
    try {
      parseModbusUrl(binding.endpoint);
    } catch (error) {
      if (!(error instanceof ModbusError)) throw error;
      issue('endpoint', error.message, 'modbus://host:port[?unit=N]', binding.endpoint);
    }
    try {
      const address = parseModbusAddress(binding.address);
      if (binding.direction === 'output' && !isWritable(address.table)) {
        issue(
          'address',
          `${address.table} is read-only: an output writes a holding register (hr) or a coil`,
          'hr:N[:type] or coil:N',
          binding.address,
        );
      }
    } catch (error) {
      if (!(error instanceof ModbusError)) throw error;
      issue('address', error.message, 'table:N[:type[:be|le]], e.g. hr:12:f32, ir:3:i16, coil:0', binding.address);
    }
  } else {
    let url: URL | null = null;
    try {
      url = new URL(binding.endpoint);
    } catch {
      // reported below
    }
    if (url === null || url.hostname === '' || (url.pathname !== '' && url.pathname !== '/')) {
      issue('endpoint', 'not an MQTT broker URL', 'mqtt://host:port', binding.endpoint);
    }
    if (/[+#]/.test(binding.address) || binding.address.includes('\u0000') || binding.address.length > 65_535) {
      issue(
        'address',
        'an MQTT topic of one point: no wildcards (+, #) and no NUL',
        'a topic such as plant/tank/level',
        binding.address,
      );
    }
    if (binding.jsonPath !== undefined && !/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/.test(binding.jsonPath)) {
      issue('jsonPath', 'expected dotted field names', 'state.level', binding.jsonPath);
    }
  }
  if (binding.direction === 'input' && binding.safeValue !== undefined) {
    issue(
      'safeValue',
      'a safe value is written to outputs only',
      'no safeValue on an input',
      String(binding.safeValue),
    );
  }
  if (binding.direction === 'output' && binding.onLoss !== undefined) {
    issue('onLoss', 'a loss policy is for inputs only', 'no onLoss on an output', binding.onLoss.policy);
  }
  if (binding.direction === 'output' && binding.samplingMs !== undefined) {
    issue(
      'samplingMs',
      'outputs are written every cycle their value moves',
      'no samplingMs on an output',
      String(binding.samplingMs),
    );
  }
  return issues;
}

/**
 * Checks a binding against its model and its protocol before it is stored, so a stored binding can always be
 * connected: every problem is a located issue under `at` (`body` for a request body), all reported at once (422).
 */
export function assertBindingFits(
  binding: ModelBindingInput,
  components: readonly ProcessModelComponent[],
  at = 'body',
): void {
  const issues = [...modelIssues(binding, components, at), ...protocolIssues(binding, at)];
  if (issues.length === 0) return;
  throw new ServerError(
    ServerErrorCode.BindingInvalid,
    `The binding does not fit: ${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    { issues },
  );
}
