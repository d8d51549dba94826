import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** What the tests read of a process from proc(5). */
export interface ChildProcessInfo {
  pid: number;
  /** The executable's name (comm), as the kernel keeps it. */
  name: string;
  session: number;
  nice: number;
  /** Scheduling policy: 0 normal, 5 SCHED_IDLE. */
  policy: number;
  /** The autogroup line ("/autogroup-12 nice 19"), or null on kernels without autogroups. */
  autogroup: string | null;
}

/** The running processes whose parent is `ppid` (Linux). */
export function childProcesses(ppid: number): ChildProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return [];
      }
      // pid (comm) state ppid ...: the fields after the name, whatever it holds.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid) return [];
      const autogroupFile = `/proc/${pid}/autogroup`;
      // Fields 6 (session), 19 (nice) and 41 (policy) of proc(5), counted from field 3 here.
      return [
        {
          pid: Number(pid),
          name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          session: Number(fields[3]),
          nice: Number(fields[16]),
          policy: Number(fields[38]),
          autogroup: existsSync(autogroupFile) ? readFileSync(autogroupFile, 'utf8').trim() : null,
        },
      ];
    });
}
