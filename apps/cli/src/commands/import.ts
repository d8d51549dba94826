import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import { ApiProblemError } from '../api-errors.js';
import type { ImportResponse, SubmitResponse } from '../api-types.js';
import type { CommandContext, CommandResult } from '../command.js';
import { InterruptedError } from '../interrupted-error.js';
import {
  checkRecordsFile,
  headerPart,
  recordsParts,
  type CheckedRecordsFile,
} from '../records-file.js';
import { UsageError } from '../usage-error.js';

export const importHelp = `Usage: seedsweep import <file.jsonl.gz>... [options]

Loads records files ('seedsweep export <id> --records') into the API at SEEDSWEEP_URL, then
submits each file's sweep there: its imported trials count as reused, and only trials without
a result are trained. Several files merge (two clusters' results of one sweep, say): a result
already stored is kept, never overwritten. Prints the ids of the sweeps submitted.

Every file is read and checked first, and the API checks every header: a file that cannot be
read imports nothing, nor do the others. Then the API checks each trial: its key must be its
spec's content key, and its record must be unchanged since export. A trial that is not is
refused and named; the others are imported, but no sweep is submitted and the exit code is 1:
a file with a changed line is not trusted to continue a study.

  --retrain      also submit a sweep whose results are of another trainer version than this
                 deployment's (none of them is reused: it is all trained again); without it,
                 such a file's results are stored and its sweep is not submitted (exit code 1)
  --json         print the outcome as JSON instead of the sweep ids`;

const options = {
  retrain: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Problems of a records document itself, as opposed to of the request or the API. */
const DOCUMENT_PROBLEMS = new Set(['INVALID_RECORDS', 'MALFORMED_BODY', 'BODY_TOO_LARGE']);

type Refusal = ImportResponse['refused'][number] & { file: string };

interface NotSubmitted {
  file: string;
  name: string;
  reason: string;
}

export async function importCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('import needs a records file (.jsonl.gz)');
  const files: CheckedRecordsFile[] = [];
  for (const file of positionals) files.push(await checkRecordsFile(file));
  const client = ApiClient.forCommand(ctx);

  let trainerVersion = '';
  let imported = 0;
  let alreadyPresent = 0;
  const refused: Refusal[] = [];
  try {
    // A header alone imports nothing: the API checks each file's format and sweep before any
    // trial of any file is written, and says which trainer it runs.
    for (const file of files) {
      trainerVersion = (await inFile(file.file, client.importRecords(headerPart(file))))
        .trainerVersion;
    }
    for (const { file } of files) {
      for await (const part of recordsParts(file)) {
        const answer = await inFile(file, client.importRecords(part.body));
        imported += answer.imported;
        alreadyPresent += answer.alreadyPresent;
        for (const refusal of answer.refused) {
          refused.push({ ...refusal, file, line: part.firstLine + refusal.line - 2 });
        }
      }
    }
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(
        `interrupted after importing ${imported} results; importing again finishes it (results already stored are kept)`,
      );
    }
    throw error;
  }

  const sweeps: SubmitResponse[] = [];
  const notSubmitted: NotSubmitted[] = [];
  if (refused.length === 0) {
    const definitions = new Set<string>();
    for (const { file, header } of files) {
      const text = JSON.stringify(header.sweep.definition);
      if (definitions.has(text)) continue;
      definitions.add(text);
      if (header.sweep.trainerVersion !== trainerVersion && values.retrain !== true) {
        notSubmitted.push({
          file,
          name: header.sweep.name,
          reason: `its results are of trainer ${header.sweep.trainerVersion} and this deployment trains ${trainerVersion}, so all of it would be trained again (--retrain submits it)`,
        });
        continue;
      }
      sweeps.push((await client.submit(text, 'json')).response);
    }
  }

  if (values.json) {
    ctx.out(JSON.stringify({ imported, alreadyPresent, refused, sweeps, notSubmitted }));
  } else {
    for (const r of refused) {
      ctx.log(`refused ${r.key} (${r.file} line ${r.line}): ${r.reason}: ${r.detail}`);
    }
    ctx.log(summary(files.length, imported, alreadyPresent, refused, sweeps, notSubmitted));
    for (const sweep of sweeps) ctx.out(sweep.id);
  }
  return refused.length > 0 || notSubmitted.length > 0 ? 1 : 0;
}

/** The API's word on a document, naming the file it came from (it knows only the document). */
async function inFile<T>(file: string, answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof ApiProblemError && DOCUMENT_PROBLEMS.has(error.code)) {
      const { detail = '' } = error.problem;
      throw new ApiProblemError({
        ...error.problem,
        detail: detail.startsWith('line ') ? `${file} ${detail}` : `${file}: ${detail}`,
      });
    }
    throw error;
  }
}

function summary(
  files: number,
  imported: number,
  alreadyPresent: number,
  refused: readonly Refusal[],
  sweeps: readonly SubmitResponse[],
  notSubmitted: readonly NotSubmitted[],
): string {
  const reasons = new Map<string, number>();
  for (const r of refused) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ');
  const parts = [
    `imported ${imported}, already present ${alreadyPresent}, refused ${refused.length}${why ? ` (${why})` : ''} from ${files} file${files === 1 ? '' : 's'}`,
  ];
  if (refused.length > 0) {
    parts.push('no sweep submitted: a file with refused trials is not trusted to continue a study');
  }
  for (const s of sweeps) {
    parts.push(
      `submitted sweep ${s.id} "${s.name}": ${s.trials} trials, ${s.reused} reused, ${s.enqueued} enqueued${s.pending > 0 ? `, ${s.pending} more being enqueued` : ''}`,
    );
  }
  for (const n of notSubmitted) parts.push(`sweep "${n.name}" not submitted: ${n.reason}`);
  return parts.join('; ');
}
