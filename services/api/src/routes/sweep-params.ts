import { z } from 'zod';
import { SWEEP_ID_PATTERN } from '../sweep-id.js';

export const sweepParams = z.object({
  id: z.string().regex(SWEEP_ID_PATTERN, 'is not a sweep id (sw-...)'),
});
