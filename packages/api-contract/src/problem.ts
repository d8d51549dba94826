import { z } from 'zod';

/**
 * RFC 9457 problem details: the body of every error answer. The API always sends every member;
 * they are optional here because RFC 9457 makes them so, and a proxy's error is not the API's.
 */
export const problemSchema = z
  .object({
    type: z.string().optional().describe('urn:seedsweep:problem:<code in kebab case>'),
    title: z.string().optional(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().describe("stable; see the API's error registry"),
    errors: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          line: z.number().int().optional().describe('1-based, in the request body'),
          column: z.number().int().optional(),
        }),
      )
      .optional()
      .describe('for bad input: every field that is wrong, at its line when the body has one'),
  })
  .catchall(z.unknown());
export type Problem = z.infer<typeof problemSchema>;
