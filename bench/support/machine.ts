import { readFileSync } from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';

/** What a figure was measured on, and how busy the machine was meanwhile. */

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  libvips: string;
  sharp: string;
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    libvips: sharp.versions.vips,
    sharp: sharp.versions.sharp ?? 'unknown',
  };
}

interface CpuTimes {
  busy: number;
  total: number;
}

function readCpuTimes(): CpuTimes {
  // First line of /proc/stat: user nice system idle iowait irq softirq steal … (in clock ticks).
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = fields[3]! + fields[4]!;
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

export interface MachineLoad {
  /** 1-minute load average when the benchmark started and ended. */
  loadAverageStart: number;
  loadAverageEnd: number;
  /** Share of all cores' time that was busy during the benchmark, this benchmark's own work included. */
  cpuBusyShare: number;
}

/** Starts watching the machine; the returned function tells what happened since. */
export function watchMachineLoad(): () => MachineLoad {
  const start = readCpuTimes();
  const loadAverageStart = os.loadavg()[0]!;
  return () => {
    const end = readCpuTimes();
    const total = end.total - start.total;
    return {
      loadAverageStart: Math.round(loadAverageStart * 100) / 100,
      loadAverageEnd: Math.round(os.loadavg()[0]! * 100) / 100,
      cpuBusyShare: total > 0 ? Math.round(((end.busy - start.busy) / total) * 1000) / 1000 : 0,
    };
  };
}
