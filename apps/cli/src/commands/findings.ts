import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFindings } from '@seedsweep/findings';
import type { CommandContext } from '../command.js';
import { UsageError } from '../usage-error.js';

export const findingsHelp = `Usage: seedsweep findings [--results DIR] [--out DIR]

Writes the study's report, findings.md, and its figures (SVG and PNG, under figures/) from the
committed records files (seedsweep export --records): where the filter lottery exists (the
lottery-search sweep), the paper's claims beside what the paper-fig3 sweep measured, and the
compute each took. Needs no Redis and no API: every number comes from the files, each result
checked against its trial key.

  --results DIR   the records files (default docs/results)
  --out DIR       where findings.md goes (default docs)`;

const options = {
  results: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function findingsCommand(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  if (values.results === '' || values.out === '')
    throw new UsageError('--results and --out need a directory');
  const resultsDir = values.results ?? path.join('docs', 'results');
  const outDir = values.out ?? 'docs';
  const written = await writeFindings({ resultsDir, outDir });
  ctx.log(
    `wrote ${path.join(outDir, 'findings.md')} and ${written.files.length - 1} figure file(s) from ${written.trials} results in ${resultsDir}`,
  );
}
