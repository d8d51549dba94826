import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script, without types
import * as reference from '../scripts/env-reference.mjs';

interface Row {
  name: string;
  roles: string[];
  meanings: { role: string; value: string }[];
}

const { envReference, envReferenceRows, START, END } = reference as {
  envReference(): Promise<string>;
  envReferenceRows(): Promise<Row[]>;
  START: string;
  END: string;
};

/** A Markdown table's cells, whatever its alignment (prettier pads it). */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .filter((line) => !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe('the environment reference of docs/operations.md', () => {
  it('is what the zod schemas and their comments give (run `pnpm docs:env` after changing one)', async () => {
    const readme = await readFile('docs/operations.md', 'utf8');
    const inReadme = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));
    expect(cells(inReadme)).toEqual(cells(await envReference()));
  });

  it('documents every variable of every role', async () => {
    const undocumented = (await envReferenceRows()).flatMap((row) =>
      row.roles
        .filter((role) => !row.meanings.some((m) => m.role === role))
        .map((role) => `${role} ${row.name}`),
    );
    expect(undocumented).toEqual([]);
  });
});
