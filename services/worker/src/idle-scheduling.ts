import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * Puts this trial process behind everything else on the host (TRIAL_SCHEDULING=idle): every
 * thread under SCHED_IDLE, and its session's autogroup at nice 19. Where either fails, the trial
 * still runs, niced only, and the log says why.
 */
export async function scheduleIdle(log: WarnLog): Promise<void> {
  moveToSchedIdle(log);
  await lowerAutogroup(log);
}

/**
 * SCHED_IDLE needs no privileges, but Node has no call for it; chrt (util-linux, in every Debian
 * image) makes the system call.
 */
function moveToSchedIdle(log: WarnLog): void {
  try {
    execFileSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(process.pid)], {
      stdio: 'ignore',
    });
  } catch (error) {
    log.warn(
      { err: error },
      'trial process runs niced only: chrt could not set SCHED_IDLE (TRIAL_SCHEDULING=idle)',
    );
  }
}

const AUTOGROUP_FILE = '/proc/self/autogroup';

/**
 * Linux kernels built with autogroups (most desktop, VM and distribution kernels) share the CPU
 * between sessions first and among a session's processes second, so SCHED_IDLE only ranks this
 * process within its session: measured on a 2-core VM, two idle trial processes in the workers'
 * sessions kept the API waiting for a core a third of the time. The worker forks each trial process into a session
 * of its own, whose niceness is then this process's alone to raise. Inside a cgroup other than
 * the root (containers, systemd units) the kernel ignores autogroups and the cgroup's weight
 * decides instead (docker-compose.yml gives the workers the lowest).
 */
async function lowerAutogroup(log: WarnLog): Promise<void> {
  if (!existsSync(AUTOGROUP_FILE) || sessionId() !== process.pid) return;
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileSync(AUTOGROUP_FILE, '19');
      return;
    } catch (error) {
      // Unprivileged processes get one autogroup change per 100 ms, host-wide; the pid spreads
      // the retries of trial processes that started together.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN' && attempt < 50) {
        await sleep(100 + (process.pid % 50));
        continue;
      }
      log.warn({ err: error }, 'trial process keeps its session at nice 0: autogroup unchanged');
      return;
    }
  }
}

/** Field 6 of proc(5)'s stat: the session id, which is this pid when it leads its session. */
function sessionId(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}
