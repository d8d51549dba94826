import { readFile } from 'node:fs/promises';

/**
 * Peak resident memory of processes and their descendants, sampled from /proc (Linux): what a
 * trial slot costs. Elsewhere `sample` finds nothing and the peaks stay empty.
 */
export class ProcessMemory {
  /** Highest VmHWM (peak RSS, bytes) seen per pid, and what the pid was. */
  private readonly peaks = new Map<number, { role: string; bytes: number }>();

  /** Records the roots (role `service`) and every descendant (role `trial`). */
  async sample(roots: number[]): Promise<void> {
    for (const root of roots) await this.visit(root, 'service');
  }

  /** The highest peak among processes of `role`, in bytes; null if none was seen. */
  peak(role: 'service' | 'trial'): number | null {
    const values = [...this.peaks.values()].filter((p) => p.role === role).map((p) => p.bytes);
    return values.length > 0 ? Math.max(...values) : null;
  }

  private async visit(pid: number, role: 'service' | 'trial'): Promise<void> {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
    if (status === null) return;
    const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
    if (Number.isFinite(kib)) {
      const bytes = kib * 1024;
      if (bytes > (this.peaks.get(pid)?.bytes ?? 0)) this.peaks.set(pid, { role, bytes });
    }
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    for (const child of children.split(/\s+/).filter(Boolean))
      await this.visit(Number(child), 'trial');
  }
}
