import { DatasetFormatError } from './errors/dataset-format-error.js';

/** An 8-bit greyscale image, row-major, top row first. */
export interface GreyImage {
  width: number;
  height: number;
  maxval: number;
  pixels: Uint8Array;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const HASH = 0x23;

/**
 * Parses a binary PGM (`P5`) with maxval <= 255. Header comments are allowed wherever Netpbm
 * allows them (between header tokens). The returned pixels are a view into `data`, not a copy.
 */
export function parsePgm(data: Uint8Array, file = '<pgm>'): GreyImage {
  const fail = (detail: string): never => {
    throw new DatasetFormatError(file, detail);
  };
  const magic = String.fromCharCode(data[0] ?? 0, data[1] ?? 0);
  if (magic !== 'P5') {
    fail(`expected a binary greyscale PGM (magic P5), found ${JSON.stringify(magic)}`);
  }
  let pos = 2;
  const readNumber = (what: string): number => {
    pos = skipSpaceAndComments(data, pos);
    const start = pos;
    while (pos < data.length && data[pos]! >= 0x30 && data[pos]! <= 0x39) pos++;
    if (pos === start) fail(`header: expected ${what}`);
    if (pos - start > 9) fail(`header: ${what} is too large`);
    return Number(String.fromCharCode(...data.subarray(start, pos)));
  };
  const width = readNumber('width');
  const height = readNumber('height');
  const maxval = readNumber('maxval');
  if (width < 1 || height < 1) fail(`image size ${width}x${height} is empty`);
  if (maxval < 1 || maxval > 255) {
    fail(`maxval ${maxval}: only 8-bit PGM (maxval 1..255) is supported`);
  }
  // Exactly one whitespace byte separates maxval from the raster, which may start with a
  // byte that looks like whitespace, so nothing more is skipped.
  if (!SPACE.has(data[pos] ?? -1)) fail('header: expected whitespace after maxval');
  pos++;
  const expected = width * height;
  const found = data.length - pos;
  if (found < expected) fail(`truncated: expected ${expected} pixel bytes, found ${found}`);
  if (found > expected) fail(`expected ${expected} pixel bytes, found ${found} (trailing data)`);
  const pixels = data.subarray(pos);
  if (maxval < 255 && pixels.some((p) => p > maxval)) fail(`a pixel exceeds maxval ${maxval}`);
  return { width, height, maxval, pixels };
}

function skipSpaceAndComments(data: Uint8Array, pos: number): number {
  while (pos < data.length) {
    if (SPACE.has(data[pos]!)) {
      pos++;
    } else if (data[pos] === HASH) {
      while (pos < data.length && data[pos] !== 0x0a && data[pos] !== 0x0d) pos++;
    } else {
      break;
    }
  }
  return pos;
}
