import { describe, expect, it } from 'vitest';
import { formatServiceLine } from '../src/service-log.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 34, 56), ...fields });

describe('formatServiceLine', () => {
  it('shows time, service, message and the fields worth reading', () => {
    expect(
      formatServiceLine(
        'worker-1',
        line({
          msg: 'trial finished',
          jobId: `t-${'a'.repeat(64)}`,
          testAccuracy: 0.912345,
          pid: 7,
        }),
      ),
    ).toBe('12:34:56 worker-1   trial finished jobId=t-aaaaaaaaaaaa… testAccuracy=0.9123');
  });

  it('drops successful request logs and keeps failed ones', () => {
    expect(formatServiceLine('api', line({ msg: 'incoming request' }))).toBeNull();
    expect(
      formatServiceLine('api', line({ msg: 'request completed', res: { statusCode: 201 } })),
    ).toBeNull();
    expect(
      formatServiceLine(
        'api',
        line({ level: 50, msg: 'request failed', err: { message: 'boom' } }),
      ),
    ).toBe('12:34:56 api        ERROR request failed (boom)');
  });

  it('keeps only warnings and errors when asked, and passes other text through', () => {
    expect(formatServiceLine('api', line({ msg: 'ready' }), { warningsOnly: true })).toBeNull();
    expect(formatServiceLine('api', line({ level: 40, msg: 'slow' }), { warningsOnly: true })).toBe(
      '12:34:56 api        warn slow',
    );
    expect(formatServiceLine('worker-1', 'Error: out of memory')).toBe(
      'worker-1   Error: out of memory',
    );
    expect(formatServiceLine('worker-1', '   ')).toBeNull();
  });
});
