import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU and memory of processes and of the whole machine, read from /proc (Linux), so the HTTP bench
 * can say how much CPU each command cost the server, the load generator and PostgreSQL, and how
 * busy the machine was with work that is none of them.
 */

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every Linux we run). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of a process, every thread included; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of the whole line are 12 and 13 after the name and state.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** Resident set size of a process in bytes; undefined once it is gone. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export type MachineCpu = Readonly<{ busySeconds: number; totalSeconds: number }>;

/** CPU time the whole machine spent busy and in all, summed over its cores, since boot. */
export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const ticks = values.map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busySeconds: (total - idle) / clockTicks(), totalSeconds: total / clockTicks() };
}

/** CPU seconds of several processes over a window: processes seen only at the end count whole. */
export class CpuWindow {
  private readonly startSeconds = new Map<number, number>();

  constructor(pids: Iterable<number>) {
    for (const pid of pids) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== undefined) this.startSeconds.set(pid, seconds);
    }
  }

  /** CPU seconds since the window opened, of the processes alive now. */
  secondsSince(pidsNow: Iterable<number>): number {
    let sum = 0;
    for (const pid of pidsNow) {
      const now = processCpuSeconds(pid);
      if (now !== undefined) sum += now - (this.startSeconds.get(pid) ?? 0);
    }
    return sum;
  }
}
