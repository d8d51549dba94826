import { z } from 'zod';

/** `GET /v1/session`: what the caller may do, so a client shows only what it may use. */
export const sessionResponseSchema = z.object({
  auth: z.enum(['on', 'off']).describe('off: the API has no keys; everyone may do everything'),
  role: z
    .enum(['read', 'write'])
    .describe("the key's role (write with authentication off): read may only GET"),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
