import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNotFound, writeFileAtomic } from './atomic-file.js';
import type { PreparedTensors } from './prepared-region.js';

/*
 * File layout, all little-endian:
 *   0  magic "SSCRATER"          8 bytes
 *   8  format version            u32
 *  12  size (example side)       u32
 *  16  train count               u32
 *  20  test count                u32
 *  24  craters                   u32
 *  28  non-craters               u32
 *  32  identity hash             32 bytes (guards against a misnamed file)
 *  64  sha256 of the payload     32 bytes
 *  96  payload: train x (f32), test x (f32), train y (u8), test y (u8)
 */
const MAGIC = 'SSCRATER';
const FORMAT_VERSION = 1;
const HEADER_BYTES = 96;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function preparedCachePath(cacheDir: string, identityHash: string): string {
  return path.join(cacheDir, `${identityHash}.bin`);
}

/** The cached tensors, or undefined when the file is absent, stale or damaged in any way. */
export async function readPreparedTensors(
  cacheDir: string,
  identityHash: string,
): Promise<PreparedTensors | undefined> {
  let data: Buffer;
  try {
    data = await readFile(preparedCachePath(cacheDir, identityHash));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return decode(data, identityHash);
}

export async function writePreparedTensors(
  cacheDir: string,
  identityHash: string,
  tensors: PreparedTensors,
): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(preparedCachePath(cacheDir, identityHash), encode(identityHash, tensors));
}

function encode(identityHash: string, t: PreparedTensors): Buffer {
  const payload = Buffer.concat([floatBytes(t.train.x), floatBytes(t.test.x), t.train.y, t.test.y]);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  [FORMAT_VERSION, t.size, t.train.count, t.test.count, t.craters, t.nonCraters].forEach((v, i) =>
    header.writeUInt32LE(v, 8 + 4 * i),
  );
  Buffer.from(identityHash, 'hex').copy(header, 32);
  sha256(payload).copy(header, 64);
  return Buffer.concat([header, payload]);
}

function decode(data: Buffer, identityHash: string): PreparedTensors | undefined {
  if (data.length < HEADER_BYTES || data.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const [version, size, trainCount, testCount, craters, nonCraters] = [0, 1, 2, 3, 4, 5].map((i) =>
    data.readUInt32LE(8 + 4 * i),
  ) as [number, number, number, number, number, number];
  const pixels = size * size;
  const expectedLength = HEADER_BYTES + (trainCount + testCount) * (pixels * 4 + 1);
  const payload = data.subarray(HEADER_BYTES);
  const valid =
    version === FORMAT_VERSION &&
    data.subarray(32, 64).equals(Buffer.from(identityHash, 'hex')) &&
    data.length === expectedLength &&
    craters + nonCraters === trainCount + testCount &&
    sha256(payload).equals(data.subarray(64, 96));
  if (!valid) return undefined;
  let offset = 0;
  const take = (bytes: number): Buffer => {
    const part = payload.subarray(offset, offset + bytes);
    offset += bytes;
    return part;
  };
  const trainX = readFloats(take(trainCount * pixels * 4));
  const testX = readFloats(take(testCount * pixels * 4));
  const trainY = new Uint8Array(take(trainCount));
  const testY = new Uint8Array(take(testCount));
  return {
    size,
    train: { count: trainCount, x: trainX, y: trainY },
    test: { count: testCount, x: testX, y: testY },
    craters,
    nonCraters,
  };
}

function floatBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

function readFloats(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
