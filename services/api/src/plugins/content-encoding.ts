import { Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors/index.js';

/** HTTP's `deflate` is the zlib format, not raw deflate (RFC 9110 section 8.4.1.2). */
const DECODERS = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
} as const;

/** Fastify reads this off the body stream to compare Content-Length with what was sent. */
type BodyStream = Readable & { receivedEncodedLength: number };

/**
 * Request bodies sent with `Content-Encoding: gzip` or `deflate`, decompressed before parsing.
 * The body limit applies to the decompressed bytes, and decompression stops at the first byte
 * over it: a gzip bomb (kilobytes that inflate to gigabytes) costs at most `maxBodyBytes` of
 * memory and the time to inflate that much. Other encodings are refused with 415, a corrupt
 * stream with 400.
 */
export const contentEncodingPlugin = fp(
  async (app: FastifyInstance, options: { maxBodyBytes: number }) => {
    app.addHook('preParsing', async (request, _reply, payload) => {
      const encoding = contentEncoding(request);
      if (encoding === null || !hasBody(request)) return payload;
      if (!Object.hasOwn(DECODERS, encoding)) {
        throw new ApiError(
          'UNSUPPORTED_CONTENT_ENCODING',
          `Content-Encoding ${encoding} is not accepted; send the body as it is, or gzip or deflate it`,
          { accepted: ['identity', 'gzip', 'deflate'] },
        );
      }
      return decoded(payload, DECODERS[encoding as keyof typeof DECODERS](), options.maxBodyBytes);
    });
  },
  { name: 'seedsweep-content-encoding' },
);

/** The body's one encoding, lower-cased; null when the body is sent as it is. */
function contentEncoding(request: FastifyRequest): string | null {
  const header = request.headers['content-encoding'];
  if (header === undefined) return null;
  const value = header.trim().toLowerCase();
  return value === '' || value === 'identity' ? null : value;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

function decoded(raw: Readable, decoder: zlib.Gunzip | zlib.Inflate, maxBytes: number): Readable {
  let decodedBytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) {
        callback(
          new ApiError(
            'BODY_TOO_LARGE',
            `the body decompresses to more than ${maxBytes} bytes, the limit`,
            { maxBodyBytes: maxBytes },
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  }) as Transform & BodyStream;
  limit.receivedEncodedLength = 0;

  const stop = (error: Error) => {
    // The socket stays: the answer still has to go out on it (Fastify then closes it).
    raw.unpipe(decoder);
    decoder.destroy();
    if (!limit.destroyed) limit.destroy(error);
  };
  raw.on('data', (chunk: Buffer) => {
    limit.receivedEncodedLength += chunk.length;
  });
  raw.on('error', stop);
  decoder.on('error', (error) => {
    stop(
      new ApiError(
        'MALFORMED_BODY',
        `the body is not valid ${decoder instanceof zlib.Gunzip ? 'gzip' : 'deflate'} data (${error.message})`,
      ),
    );
  });
  limit.on('error', () => {
    raw.unpipe(decoder);
    decoder.destroy();
  });
  raw.pipe(decoder).pipe(limit);
  return limit;
}
