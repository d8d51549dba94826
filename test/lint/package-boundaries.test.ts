import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The package-boundary rule of eslint.config.js, run through ESLint's Node API on source text
// placed (by its file path only; nothing is written) inside the repository's packages.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfigFile: path.join(repoRoot, 'eslint.config.js'),
});

async function lint(
  filePath: string,
  text: string,
): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(text, { filePath: path.join(repoRoot, filePath) });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

function importing(specifier: string, name = 'thing'): string {
  return `import { ${name} } from '${specifier}';\nexport const ${name}Used = ${name};\n`;
}

const serviceImports = [
  '@seedsweep/api',
  '@seedsweep/worker',
  '@seedsweep/aggregator',
  '@seedsweep/worker/dist/trial-runner.js',
  '../../../services/api/src/app.js',
  '../../../../services/worker/src/trial-runner.js',
];

describe('package boundaries', () => {
  for (const filePath of ['packages/trainer/src/boundary.ts', 'packages/store/src/boundary.ts']) {
    for (const specifier of serviceImports) {
      it(`${filePath} may not import ${specifier}`, async () => {
        expect(await lint(filePath, importing(specifier))).toEqual([
          {
            rule: 'no-restricted-imports',
            message: expect.stringContaining('Packages never import services'),
          },
        ]);
      });
    }
  }

  it('holds for type-only imports and re-exports too', async () => {
    const text =
      "import type { Thing } from '@seedsweep/api';\nexport type Used = Thing;\n" +
      "export { other } from '@seedsweep/aggregator';\n";
    const messages = await lint('packages/findings/src/boundary.ts', text);
    expect(messages.map((m) => m.rule)).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  for (const specifier of [
    '@seedsweep/store',
    '@seedsweep/queue',
    '@seedsweep/store/dist/keys.js',
    'ioredis',
    'bullmq',
  ]) {
    it(`the trainer may not import ${specifier}`, async () => {
      expect(await lint('packages/trainer/src/boundary.ts', importing(specifier))).toEqual([
        {
          rule: 'no-restricted-imports',
          message: expect.stringContaining('never import the store or the queue'),
        },
      ]);
    });
  }

  it('covers every low-level package, its tests included', async () => {
    for (const filePath of [
      'packages/crater-data/src/boundary.ts',
      'packages/sweep-spec/src/boundary.ts',
      'packages/stats/test/boundary.test.ts',
      'packages/prng/src/boundary.ts',
    ]) {
      const messages = await lint(filePath, importing('@seedsweep/store'));
      expect(
        messages.map((m) => m.rule),
        filePath,
      ).toEqual(['no-restricted-imports']);
    }
  });

  it('lets the low-level packages import one another', async () => {
    const text =
      "import { createPrng } from '@seedsweep/prng';\n" +
      "import { REGIONS } from '@seedsweep/crater-data';\n" +
      "import { helper } from './helper.js';\n" +
      'export const used = [createPrng, REGIONS, helper];\n';
    expect(await lint('packages/trainer/src/boundary.ts', text)).toEqual([]);
  });

  it('lets the store import ioredis and the sweep spec, and the queue import the store', async () => {
    const store =
      importing('ioredis') + "export { parseSweepDefinition } from '@seedsweep/sweep-spec';\n";
    expect(await lint('packages/store/src/boundary.ts', store)).toEqual([]);
    const queue = importing('@seedsweep/store') + "export { Queue } from 'bullmq';\n";
    expect(await lint('packages/queue/src/boundary.ts', queue)).toEqual([]);
  });

  it('does not take @seedsweep/api-contract for the api service', async () => {
    const text = importing('@seedsweep/api-contract');
    expect(await lint('packages/dashboard/web/src/boundary.tsx', text)).toEqual([]);
    expect(await lint('packages/trainer/src/boundary.ts', text)).toEqual([]);
  });

  it('leaves the apps (CLI, benchmarks) and the services free to import services', async () => {
    const text = importing('@seedsweep/api') + importing('@seedsweep/store', 'other');
    for (const filePath of [
      'apps/cli/src/boundary.ts',
      'apps/bench/src/boundary.ts',
      'services/api/src/boundary.ts',
    ]) {
      expect(await lint(filePath, text), filePath).toEqual([]);
    }
  });
});
