/**
 * Writes a trial's result once. BullMQ delivers at least once, so the same trial can finish twice
 * (a stalled job retried while the first run still completes): the first write wins, the second
 * only bumps a counter, and the events stream gets one entry per trial, never two.
 *
 * KEYS[1] trial hash, KEYS[2] events stream, KEYS[3] counters
 * ARGV[1] result JSON, ARGV[2] trial key, ARGV[3] approximate stream length cap,
 * ARGV[4] summary JSON, ARGV[5] training milliseconds, ARGV[6] epochs trained,
 * ARGV[7] '1' when the result was derived from a baseline instead of trained,
 * ARGV[8] '1' when it was trained from a baseline's checkpoint instead of from the start,
 * ARGV[9] '1' when it was imported: trained by another deployment, so it adds nothing to the
 * training counters here, and finding it already stored is no second delivery
 */
export const WRITE_RESULT_SCRIPT = `
if redis.call('HSETNX', KEYS[1], 'result', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'summary', ARGV[4])
  redis.call('HDEL', KEYS[1], 'failure')
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'type', 'result', 'key', ARGV[2])
  redis.call('HINCRBY', KEYS[3], 'results', 1)
  if ARGV[9] == '1' then
    redis.call('HINCRBY', KEYS[3], 'importedResults', 1)
    return 1
  end
  redis.call('HINCRBY', KEYS[3], 'trainingMs', ARGV[5])
  redis.call('HINCRBY', KEYS[3], 'epochs', ARGV[6])
  if ARGV[7] == '1' then redis.call('HINCRBY', KEYS[3], 'derivedResults', 1) end
  if ARGV[8] == '1' then redis.call('HINCRBY', KEYS[3], 'resumedResults', 1) end
  return 1
end
if ARGV[9] ~= '1' then redis.call('HINCRBY', KEYS[3], 'duplicateResults', 1) end
return 0
`;

/**
 * Records a failure unless a result exists (a late failure of a duplicate delivery must not
 * shadow a result). KEYS and ARGV as above, ARGV[1] being the failure JSON.
 */
export const WRITE_FAILURE_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'result') == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'failure', ARGV[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'type', 'failure', 'key', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'failures', 1)
return 1
`;

/**
 * Cancels a sweep once: two concurrent DELETEs must not both report that they cancelled it.
 * KEYS[1] sweep hash; ARGV[1] ISO time. Returns -1 (no such sweep), 0 (already), 1 (cancelled).
 */
export const CANCEL_SWEEP_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'record') == 0 then
  return -1
end
if redis.call('HSETNX', KEYS[1], 'cancelledAt', ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'lifecycle', 'cancelled')
return 1
`;

/**
 * Takes a trial's failure back before its retry, keeping it as `lastFailure`: the trial is
 * unfinished again, so statuses count it as queued, not failed. A trial with a result keeps
 * nothing to clear. KEYS[1] trial hash. Returns 1 when it cleared a failure.
 */
export const CLEAR_FAILURE_SCRIPT = `
local failure = redis.call('HGET', KEYS[1], 'failure')
if not failure then
  return 0
end
redis.call('HSET', KEYS[1], 'lastFailure', failure)
redis.call('HDEL', KEYS[1], 'failure')
return 1
`;
