import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../src/errors/dataset-format-error.js';
import { parsePgm } from '../src/pgm.js';

function pgm(header: string, pixels: number[]): Uint8Array {
  return new Uint8Array([...Buffer.from(header, 'latin1'), ...pixels]);
}

function formatError(data: Uint8Array): DatasetFormatError {
  try {
    parsePgm(data, 'tile.pgm');
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetFormatError);
    return err as DatasetFormatError;
  }
  throw new Error('expected parsePgm to throw');
}

describe('parsePgm', () => {
  it('parses a P5 image with comments in the header', () => {
    // The first pixel is 0x0a (a newline byte): only one whitespace byte may follow maxval.
    const data = pgm(
      'P5\n# made by hand\n3 # width\n2\n# maxval next\n255\n',
      [10, 1, 2, 3, 4, 255],
    );
    const image = parsePgm(data);
    expect(image.width).toBe(3);
    expect(image.height).toBe(2);
    expect(image.maxval).toBe(255);
    expect([...image.pixels]).toEqual([10, 1, 2, 3, 4, 255]);
  });

  it('accepts maxval below 255 and rejects pixels above it', () => {
    expect(parsePgm(pgm('P5 2 1 15\n', [0, 15])).maxval).toBe(15);
    expect(formatError(pgm('P5 2 1 15\n', [0, 16])).detail).toMatch(/exceeds maxval/);
  });

  it.each([
    ['ASCII greyscale (P2)', pgm('P2\n2 1\n255\n0 1\n', [])],
    ['colour (P6)', pgm('P6\n1 1\n255\n', [1, 2, 3])],
    ['not a PGM at all', pgm('GIF89a', [])],
  ])('rejects %s', (_, data) => {
    const err = formatError(data);
    expect(err.code).toBe('DATASET_FORMAT');
    expect(err.file).toBe('tile.pgm');
    expect(err.message).toMatch(/^tile\.pgm: expected a binary greyscale PGM/);
  });

  it('rejects 16-bit images', () => {
    expect(formatError(pgm('P5\n2 1\n65535\n', [0, 1, 0, 2])).detail).toMatch(/8-bit/);
  });

  it('rejects truncated pixel data and a truncated header', () => {
    expect(formatError(pgm('P5\n3 2\n255\n', [1, 2, 3, 4, 5])).detail).toMatch(
      /truncated: expected 6 pixel bytes, found 5/,
    );
    expect(formatError(pgm('P5\n3 2\n', [])).detail).toMatch(/expected maxval/);
  });

  it('rejects trailing data and a missing separator after maxval', () => {
    expect(formatError(pgm('P5 1 1 255\n', [1, 2])).detail).toMatch(/trailing/);
    expect(formatError(pgm('P5 1 1 255', [])).detail).toMatch(/whitespace after maxval/);
  });
});
