// What the benchmark reads of a server process: CPU time and resident memory, from /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch (e) {
  // getconf missing: Linux's usual 100
}

/** User plus system CPU time of the whole process (all its threads), in microseconds. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1e6) / ticksPerSecond;
}

/**
 * Context switches of the process's threads, voluntary (a thread went to sleep: waiting for work, a
 * lock or I/O) plus involuntary (preempted), summed over the threads alive now: a thread that exited
 * takes its count with it. Each hand-off of work from one thread to another costs at least one.
 */
export function contextSwitches(pid) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let status;
    try {
      status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    } catch (e) {
      continue; // the thread exited meanwhile
    }
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(m[1]);
  }
  return total;
}

/**
 * CPU time in microseconds of each of the process's threads whose name starts with one of
 * `prefixes`, by thread id (for the JVM's JIT compilers: "C1 CompilerThre", "C2 CompilerThre").
 */
export function threadCpuMicros(pid, prefixes) {
  const byThread = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch (e) {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byThread.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond);
  }
  return byThread;
}

/** What the threads of `after` used since `before` (a thread that exited in between is not counted). */
export function cpuSince(before, after) {
  let total = 0;
  for (const [tid, us] of after) total += us - (before.get(tid) ?? 0);
  return total;
}

/**
 * How long ago the process started, in milliseconds (to the kernel's clock tick, 10 ms): /proc/uptime
 * less the process's start time since boot.
 */
export function ageMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]); // field 22
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return uptimeS * 1000 - (startTicks * 1000) / ticksPerSecond;
}

/** Resident set size (VmRSS) in KiB. */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : null;
}

/** True while the process runs (a zombie, exited but not yet reaped, counts as gone). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch (e) {
    return false;
  }
}
