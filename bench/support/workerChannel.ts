import { readFileSync, writeFileSync } from 'node:fs';

/** The child side of `worker.ts`: its input, messages to and from the parent, and its memory. */

export function workerInput<Input>(): Input {
  const raw = process.argv[2];
  if (!raw) throw new Error('This file is a benchmark worker: run it through bench/support/worker.ts.');
  return JSON.parse(raw) as Input;
}

export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('No IPC channel to the parent.');
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

export function nextFromParent<Message>(): Promise<Message> {
  return new Promise((resolve) => process.once('message', (message) => resolve(message as Message)));
}

/** Closes the channel so that the child can exit once its work is done. */
export function closeChannel(): void {
  process.disconnect?.();
}

function statusKiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`/proc/self/status has no ${field}.`);
  return Number(match[1]);
}

export interface MemoryMark {
  /** Resident set when the mark was set, MiB. */
  baselineMiB: number;
}

/**
 * Resets the process's peak resident set to its current size (Linux `clear_refs` 5), so that the
 * next `peakSince` reports the peak of what runs in between, not of what ran before.
 */
export function markMemory(): MemoryMark {
  writeFileSync('/proc/self/clear_refs', '5');
  return { baselineMiB: statusKiB('VmRSS') / 1024 };
}

export interface PeakMemory {
  /** Peak resident set of the whole process since the mark, MiB. */
  peakRssMiB: number;
  /** The same minus the resident set at the mark: what the measured work added, MiB. */
  addedMiB: number;
}

export function peakSince(mark: MemoryMark): PeakMemory {
  const peakRssMiB = statusKiB('VmHWM') / 1024;
  return { peakRssMiB, addedMiB: peakRssMiB - mark.baselineMiB };
}
