import cliProgress from 'cli-progress';

/**
 * Progress of a long task: a bar on a terminal, one plain line per step otherwise (logs and
 * CI keep a readable record), nothing at all in quiet mode (`--json`).
 */
export interface Progress {
  update(done: number, detail: string): void;
  stop(): void;
}

export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream,
  quiet: boolean,
): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | {detail} | eta {eta_formatted}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return {
      update: (done, detail) => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  return {
    update: (done, detail) => stream.write(`${label} ${done}/${total} ${detail}\n`),
    stop() {},
  };
}
