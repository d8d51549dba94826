import { describe, expect, it } from 'vitest';
import {
  describeFailure,
  failureClassOf,
  failureCodeOf,
  oneLineReason,
  redisRefusalCode,
} from '../src/index.js';

describe('failure classes', () => {
  it("are the trial's own only for codes that say the trial is invalid; anything else is the environment's", () => {
    for (const code of ['INVALID_TRAIN_CONFIG', 'INVALID_OPTION', 'INVALID_JOB']) {
      expect(failureClassOf(code)).toBe('trial');
    }
    for (const code of [
      'DOWNLOAD_FAILED',
      'DATASET_FILE_MISSING',
      'CHECKSUM_MISMATCH',
      'ENOSPC',
      'EACCES',
      'REDIS_FULL',
      'REDIS_READONLY',
      'BACKEND_UNAVAILABLE',
      'TRAINER_MISMATCH',
      'SomethingNew',
      null,
    ]) {
      expect(failureClassOf(code)).toBe('environment');
    }
  });

  it('take the code of a typed error or an errno, never the message', () => {
    expect(failureCodeOf(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(failureCodeOf(new RangeError('Array buffer allocation failed'))).toBe('RangeError');
    // A trial process that died (BullMQ's sandbox says so in a plain Error): no code.
    expect(failureCodeOf(new Error('Unexpected exit code: null signal: SIGKILL'))).toBeNull();
    // What crosses the sandbox: an error's own properties, copied onto a new Error.
    const crossed = Object.assign(new Error(), {
      name: 'UnrecoverableError',
      message: 'invalid job data',
      code: 'INVALID_JOB',
    });
    expect(failureCodeOf(crossed)).toBe('INVALID_JOB');
  });

  it("read Redis's refusals by the code its error reply starts with", () => {
    expect(
      redisRefusalCode(new Error("OOM command not allowed when used memory > 'maxmemory'.")),
    ).toBe('REDIS_FULL');
    expect(
      redisRefusalCode(new Error("READONLY You can't write against a read only replica.")),
    ).toBe('REDIS_READONLY');
    expect(redisRefusalCode(new Error('ERR unknown command'))).toBeNull();
  });

  it('describe failures recorded before classes by their code, with the fix where one is known', () => {
    expect(
      describeFailure({
        key: 'k',
        message: 'dataset file a.pgm is missing\n  from /x',
        code: 'DATASET_FILE_MISSING',
        attempts: 3,
        worker: 'w',
        failedAt: '',
      }),
    ).toEqual({
      failureClass: 'environment',
      code: 'DATASET_FILE_MISSING',
      reason: 'dataset file a.pgm is missing from /x',
      fix: 'set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run',
    });
    expect(oneLineReason('x'.repeat(400))).toHaveLength(300);
  });
});
