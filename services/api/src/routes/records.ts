import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { importResponseSchema, problemSchema, RECORDS_MEDIA_TYPES } from '@seedsweep/api-contract';
import { ApiError } from '../errors/index.js';
import { recordsFile } from '../records-file.js';
import { RecordsImporter } from '../records-importer.js';
import { sweepParams } from './sweep-params.js';

/**
 * Largest records document one request may import, compressed and decompressed: the whole of
 * it is held and checked before anything is written. `seedsweep import` sends a large file in
 * parts well below it (each part a document of its own), so this bounds memory, not files.
 */
export const RECORDS_MAX_BYTES = 32 * 1024 * 1024;

const gunzip = promisify(zlib.gunzip);

/**
 * A sweep's results as a file that outlives this Redis, and that file imported into any
 * deployment. Results are keyed by content and written once, so importing is safe to repeat
 * and to merge: a result already stored stays as it is.
 */
export async function recordRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const importer = new RecordsImporter(app.seedsweep.store);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [...RECORDS_MEDIA_TYPES],
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(
      new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted; send a records file (.jsonl.gz) as application/gzip`,
      ),
      undefined,
    );
  });

  app.get(
    '/v1/sweeps/:id/records',
    {
      schema: {
        tags: ['results'],
        summary:
          "The sweep's definition and every stored result with its trial spec: gzip-compressed JSON lines (application/gzip), the same bytes for the same results",
        params: sweepParams,
        response: { '4xx': problemSchema },
      },
    },
    async (request, reply) => {
      const { reader, store } = app.seedsweep;
      const sweep = await reader.sweep(request.params.id);
      const { trials } = reader.plan(sweep);
      reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${sweep.id}-records.jsonl.gz"`);
      return reply.send(recordsFile(sweep, trials, store) as never);
    },
  );

  app.post(
    '/v1/records',
    {
      bodyLimit: RECORDS_MAX_BYTES,
      schema: {
        tags: ['results'],
        summary:
          'Import a records file (application/gzip): each trial checked against its key and hash, results already stored kept; the sweep is not submitted',
        response: { 200: importResponseSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const body = request.body as Buffer | undefined;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new ApiError(
          'MALFORMED_BODY',
          'the request has no body; send a records file (.jsonl.gz) as application/gzip',
        );
      }
      return importer.import(await gunzipText(body));
    },
  );
}

async function gunzipText(body: Buffer): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await gunzip(body, { maxOutputLength: RECORDS_MAX_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ApiError(
        'BODY_TOO_LARGE',
        `the records decompress to more than ${RECORDS_MAX_BYTES} bytes, the limit of one request; send them in parts (seedsweep import does)`,
        { maxBodyBytes: RECORDS_MAX_BYTES },
      );
    }
    throw new ApiError('MALFORMED_BODY', `the body is not gzip data (${(error as Error).message})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('MALFORMED_BODY', 'the records are not UTF-8 text');
  }
}
