import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Peak resident memory of a process (this one, or a child by pid), read from Linux's
 * /proc/<pid>/status. `markMemory` resets the peak (`clear_refs` 5) to the current size, so that
 * `peakSince` reports the peak of what ran in between, not of what ran before.
 */

function statusKiB(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}.`);
  return Number(match[1]);
}

export interface MemoryMark {
  pid: number | 'self';
  /** Resident set when the mark was set, MiB. */
  baselineMiB: number;
}

export interface PeakMemory {
  /** Peak resident set of the whole process since the mark, MiB. */
  peakRssMiB: number;
  /** The same minus the resident set at the mark: what the measured work added, MiB. */
  addedMiB: number;
}

export function markMemory(pid: number | 'self' = 'self'): MemoryMark {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  return { pid, baselineMiB: statusKiB(pid, 'VmRSS') / 1024 };
}

export function peakSince(mark: MemoryMark): PeakMemory {
  const peakRssMiB = statusKiB(mark.pid, 'VmHWM') / 1024;
  return { peakRssMiB, addedMiB: peakRssMiB - mark.baselineMiB };
}
