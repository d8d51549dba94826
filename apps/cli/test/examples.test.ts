import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTrials } from '@seedsweep/sweep-spec';
import { describe, expect, it } from 'vitest';
import { checkSweepFile } from '../src/sweep-file-check.js';
import { readSweepFile } from '../src/sweep-file.js';

const examples = path.resolve(fileURLToPath(import.meta.url), '../../../../examples');
const files = (await readdir(examples)).filter((f) => f.endsWith('.yaml')).sort();

// The examples are what a new user submits first, and their comments are what they read first.
describe('examples', () => {
  it('has the study and the smoke sweep', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'smoke.yaml',
        'paper-fig3.yaml',
        'paper-fig3-standardised.yaml',
        'lottery-search.yaml',
        'lottery-fates.yaml',
      ]),
    );
  });

  it.each(files)(
    '%s is a valid sweep named after its file, of the trials its comment says',
    async (file) => {
      const sweepFile = await readSweepFile(path.join(examples, file));
      const definition = checkSweepFile(sweepFile, file);
      expect(definition.name).toBe(file.replace(/\.yaml$/, ''));
      const stated = /= ([0-9,]+) trials/.exec(sweepFile.text)?.[1];
      expect(stated, 'the header comment states its trial count').toBeDefined();
      expect(countTrials(definition).trials).toBe(Number(stated!.replaceAll(',', '')));
    },
  );
});
