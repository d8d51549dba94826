import cliProgress from 'cli-progress';
import type { ProgressEvent, SweepStatus, TrialEvent } from './api-types.js';
import { formatDuration, formatPercent } from './number-format.js';

/** What a watched sweep shows as its events arrive. */
export interface WatchDisplay {
  status(status: SweepStatus): void;
  trial(trial: TrialEvent): void;
  progress(progress: ProgressEvent): void;
  reconnecting(reason: string, delayMs: number): void;
  /** Before anything else is written to the stream. */
  stop(): void;
}

/**
 * A bar on a terminal (done/trials, the state, the server's ETA, the running trial's epoch);
 * elsewhere one line per finished trial, so logs and CI keep a readable record.
 */
export function createWatchDisplay(stream: NodeJS.WriteStream): WatchDisplay {
  return stream.isTTY ? new BarDisplay(stream) : new LineDisplay(stream);
}

/** Trials finished for good, done or failed: what the bar and the `[n/total]` count. */
function finished(status: SweepStatus): number {
  return status.counts.done + status.counts.failed;
}

function trialOutcome(trial: TrialEvent): string {
  if (trial.state === 'failed') return trial.reason ? `failed: ${trial.reason}` : 'failed';
  const accuracy =
    typeof trial.testAccuracy === 'number' ? formatPercent(trial.testAccuracy) : 'done';
  return trial.diverged ? `${accuracy} (diverged)` : accuracy;
}

class LineDisplay implements WatchDisplay {
  private last: SweepStatus | null = null;
  private count = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  status(status: SweepStatus): void {
    if (this.last === null) {
      this.write(
        `watching sweep ${status.id} "${status.name}": ${status.state}, ${finished(status)}/${status.trials} trials finished`,
      );
    } else if (status.state !== this.last.state && status.state === 'running') {
      this.write(`sweep ${status.id} is running`);
    }
    this.last = status;
    this.count = finished(status);
  }

  trial(trial: TrialEvent): void {
    // The status after a batch of trials resets the count; until then, count locally.
    this.count += 1;
    const total = this.last?.trials ?? '?';
    this.write(`[${this.count}/${total}] ${trial.label}: ${trialOutcome(trial)}`);
  }

  progress(): void {}

  reconnecting(reason: string, delayMs: number): void {
    this.write(`event stream lost (${reason}); reconnecting in ${formatDuration(delayMs / 1000)}`);
  }

  stop(): void {}

  private write(line: string): void {
    this.stream.write(line + '\n');
  }
}

class BarDisplay implements WatchDisplay {
  private readonly bar: cliProgress.SingleBar;
  private started = false;
  private count = 0;
  private readonly labels = new Map<string, string>();

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        // `{eta}` is cli-progress's own guess from the bar's rate; the server knows the trial times.
        format: '{name} [{bar}] {value}/{total} {state} | eta {remaining} | {detail}',
        stream,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  status(status: SweepStatus): void {
    for (const r of status.running) this.labels.set(r.key, r.label);
    this.count = finished(status);
    const first = status.running[0];
    const payload = {
      name: status.name,
      state: status.state,
      remaining: status.etaSeconds === null ? '?' : formatDuration(status.etaSeconds),
      detail: first ? runningText(first.label, first.epoch, first.epochs) : '',
    };
    if (!this.started) {
      this.started = true;
      this.bar.start(status.trials, this.count, payload);
    } else {
      this.bar.setTotal(status.trials);
      this.bar.update(this.count, payload);
    }
  }

  trial(trial: TrialEvent): void {
    this.labels.delete(trial.key);
    this.count += 1;
    this.update(`${trial.label}: ${trialOutcome(trial)}`);
  }

  progress(progress: ProgressEvent): void {
    const label = progress.label ?? this.labels.get(progress.key) ?? progress.key;
    this.update(runningText(label, progress.epoch, progress.epochs));
  }

  reconnecting(reason: string, delayMs: number): void {
    if (!this.started) {
      this.stream.write(`event stream lost (${reason}); reconnecting\n`);
      return;
    }
    this.update(`connection lost; reconnecting in ${formatDuration(delayMs / 1000)}`);
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }

  private update(detail: string): void {
    if (this.started) this.bar.update(this.count, { detail });
  }
}

function runningText(label: string, epoch: number | null, epochs: number | null): string {
  return epoch === null ? `${label}: starting` : `${label}: epoch ${epoch}/${epochs ?? '?'}`;
}
