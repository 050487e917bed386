import { CodedError } from '@doppel/engine';
/** Stable error codes of the line pack; tests and API clients match on `code`, never on message text. */
export const LineErrorCode = {
  TopologyInvalid: 'DOPPEL_ERR_LINE_TOPOLOGY_INVALID',
  UnknownEquipment: 'DOPPEL_ERR_LINE_UNKNOWN_EQUIPMENT',
  UnknownPhase: 'DOPPEL_ERR_LINE_UNKNOWN_PHASE',
  InvalidExpression: 'DOPPEL_ERR_LINE_INVALID_EXPRESSION',
  Invariant: 'DOPPEL_ERR_LINE_INVARIANT',
} as const;
export type LineErrorCode = (typeof LineErrorCode)[keyof typeof LineErrorCode];

export class LineError extends CodedError<LineErrorCode> {
  override name = 'LineError';
}
