// Small statistics and memory readings shared by the children and the report.
import { readFileSync } from 'node:fs';

/** @param {readonly number[]} values */
export function median(values) {
  return percentile(values, 50);
}

/** Linear interpolation between the closest ranks (numpy's default), `p` in 0..100. */
export function percentile(/** @type {readonly number[]} */ values, /** @type {number} */ p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** A field of /proc/self/status in MB (Linux), or null elsewhere. */
function procStatusMB(/** @type {string} */ field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resident memory now. */
export function currentRssMB() {
  return procStatusMB('VmRSS') ?? process.memoryUsage.rss() / 2 ** 20;
}

/** The most resident memory this process has held (native allocations included). */
export function peakRssMB() {
  return procStatusMB('VmHWM') ?? process.resourceUsage().maxRSS / 1024;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function msSince(/** @type {number} */ start) {
  return performance.now() - start;
}

/** Clock ticks per second in /proc/stat (USER_HZ, 100 on Linux everywhere that matters). */
const USER_HZ = 100;

/** CPU seconds all processes on the machine have spent busy since boot (Linux), or null elsewhere. */
export function machineBusySeconds() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;  // idle and iowait are not busy
    return (user + nice + system + irq + softirq + steal) / USER_HZ;
  } catch {
    return null;
  }
}

/** CPU seconds (user and system, all threads) this process has used. */
export function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
