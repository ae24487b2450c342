import fs from 'node:fs';
import os from 'node:os';
import { round } from './stats.js';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name, so index i is field i + 3 of proc(5); throws once it is gone. */
function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * User plus system CPU seconds a process has used, from /proc/<pid>/stat; with `children`, also that of its children
 * that have exited and been waited for (PostgreSQL's postmaster reaps its backends). 0 once the process is gone.
 */
export function processCpuSeconds(pid: number, { children = false } = {}): number {
  try {
    // utime, stime, cutime, cstime: fields 14-17.
    const [utime, stime, cutime, cstime] = statFields(pid).slice(11, 15).map(Number);
    return (utime + stime + (children ? cutime + cstime : 0)) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The PIDs of running processes whose command name (/proc/<pid>/comm) is `name`. */
export function pidsNamed(name: string): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

/**
 * CPU seconds of the machine's PostgreSQL: every `postgres` process, plus what the postmaster's exited backends used.
 * Anything else using that PostgreSQL meanwhile is counted too, so the figure is an upper bound.
 */
export function postgresCpuSeconds(): number {
  const pids = pidsNamed('postgres');
  if (!pids.length) return 0;
  // The postmaster is the one whose parent is not itself a postgres process.
  const set = new Set(pids);
  return pids.reduce((sum, pid) => {
    let postmaster = false;
    try {
      postmaster = !set.has(Number(statFields(pid)[1])); // ppid: field 4
    } catch { /* exited meanwhile */ }
    return sum + processCpuSeconds(pid, { children: postmaster });
  }, 0);
}

/** The whole machine's busy CPU seconds (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** CPU seconds so far per part of the stack; a part that is not its own process here is absent. */
export type CpuSnapshot = Record<string, number>;

/** What each part used between two snapshots, in ms per unit of work (an alert, a bare workflow). */
export function cpuMsPer(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).filter((k) => k in before).map((k) => [k, round(((after[k] - before[k]) * 1000) / units)]));
}

/** The bench process's own CPU seconds. */
export const benchCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Cores the machine has, for reading a busy-seconds figure as a share of capacity. */
export const cores = (): number => os.availableParallelism();
