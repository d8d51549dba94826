/**
 * Counts what a stretch of a sweep's trial list still waits for, in Redis, so that a key's usage
 * is read from the trials' own states without sending their keys back and forth: a trial with a
 * result is done, one with a failure (and no result) failed, any other is unfinished. A stretch
 * at a time keeps each call short (a few milliseconds) so Redis serves others in between.
 *
 * KEYS[1] the sweep's trial list
 * ARGV[1] the prefix of trial hashes (`<prefix>:trial:`), ARGV[2] first index, ARGV[3] last index
 * Returns {trials read, unfinished, failed}.
 *
 * The trial hashes are not in KEYS: they are named by the list's contents. Redis Cluster, the
 * one setting where that matters, is not supported (BullMQ's keys carry no hash tags either).
 */
export const COUNT_UNFINISHED_SCRIPT = `
local keys = redis.call('LRANGE', KEYS[1], ARGV[2], ARGV[3])
local unfinished, failed = 0, 0
for _, key in ipairs(keys) do
  local trial = ARGV[1] .. key
  if redis.call('HEXISTS', trial, 'result') == 0 then
    if redis.call('HEXISTS', trial, 'failure') == 1 then
      failed = failed + 1
    else
      unfinished = unfinished + 1
    end
  end
end
return {#keys, unfinished, failed}
`;

/**
 * Releases a lock only if it is still the caller's: one that expired and was taken by another
 * request must not be released by the first.
 *
 * KEYS[1] the lock, ARGV[1] the caller's token
 */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * Takes a hold on one of a key's workers for a trial, or refuses when the key holds as many as
 * its limit allows. Holds of workers that stopped renewing them (a dead worker) lapse first. A
 * trial that already holds one (a second delivery of its job) renews it: one trial, one hold.
 * Times are Redis's own clock, so workers on hosts with skewed clocks agree.
 *
 * KEYS[1] the key's holds (job id -> lapse time, ms), KEYS[2] the keys' worker limits
 * ARGV[1] the key's name, ARGV[2] the job id, ARGV[3] how long the hold lasts unrenewed (ms)
 * Returns {1 taken | 0 refused, holds now, limit (0: none)}.
 */
export const TAKE_HOLD_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') or 0
local lapses = now + tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], lapses, ARGV[2])
  return {1, redis.call('ZCARD', KEYS[1]), limit}
end
local held = redis.call('ZCARD', KEYS[1])
if limit > 0 and held >= limit then
  return {0, held, limit}
end
redis.call('ZADD', KEYS[1], lapses, ARGV[2])
return {1, held + 1, limit}
`;

/**
 * Renews a hold still held; one that lapsed (or was released) is not taken again, since the
 * limit was not checked for it. KEYS[1] the holds, ARGV[1] the job id, ARGV[2] the duration (ms).
 * Returns 1 when renewed.
 */
export const RENEW_HOLD_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lapses = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not lapses or tonumber(lapses) <= now then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/**
 * Holds not lapsed, by Redis's clock. KEYS[1] the holds. Returns their number.
 */
export const COUNT_HOLDS_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`;
