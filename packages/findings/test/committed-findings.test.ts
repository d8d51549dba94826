import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFindings } from '../src/index.js';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs');

describe('the committed findings', () => {
  let out: string | undefined;
  afterAll(() => (out ? rm(out, { recursive: true, force: true }) : undefined));

  it('are what `seedsweep findings` writes from the committed results', async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-committed-findings-'));
    const written = await writeFindings({ resultsDir: path.join(docs, 'results'), outDir: out });
    // PNGs depend on the machine's fonts; the document and the SVGs do not.
    for (const file of written.files.filter((f) => !f.endsWith('.png'))) {
      const fresh = await readFile(path.join(out, file), 'utf8');
      const committed = await readFile(path.join(docs, file), 'utf8');
      expect(committed, `${file} is stale: run pnpm seedsweep findings`).toBe(fresh);
    }
  });
});
