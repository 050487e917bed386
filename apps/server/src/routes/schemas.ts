import { idString } from '@doppel/twin';
import { z } from 'zod';

// The shapes of requests and answers are the twin's wire contract (@doppel/twin/contracts); what is here belongs
// to the HTTP layer only: path parameters and query-string numbers.

export const simParams = z.strictObject({ simId: idString() });
export const assetParams = z.strictObject({
  simId: idString(),
  kind: idString(),
  assetId: idString(),
});

/** Numbers in query strings arrive as text. */
export const queryNumber = z.coerce.number().refine(Number.isFinite, 'must be a finite number');
