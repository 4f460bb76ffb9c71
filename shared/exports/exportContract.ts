import { ZIP_LIMITS, type ZipLimits } from './zipFormat.js';

/**
 * The export's orchestration and activities, by name, with what they take and return (plain JSON:
 * results travel through the orchestration's history).
 *
 *   POST /api/exports → exportGallery: planExport → writeExportChunk … (until complete) → finishExport,
 *   or failExport when a step keeps throwing. Each step reads the export's row first and stops when it
 *   is gone (deleted: cancelled) or no longer running.
 */
export const EXPORT_GALLERY_ORCHESTRATION = 'exportGallery';

export const EXPORT_STEPS = {
  planExport: 'planExport',
  writeExportChunk: 'writeExportChunk',
  finishExport: 'finishExport',
  failExport: 'failExport',
} as const;

export interface ExportStepInput {
  exportId: string;
}

export interface FailExportInput extends ExportStepInput {
  message: string;
}

/** `stopped`: the export was deleted or is not running any more; the orchestration ends. */
export type PlanExportResult = { state: 'planned' | 'stopped' };
export type WriteExportChunkResult = { state: 'more' | 'complete' | 'stopped' };
export type FinishExportResult = { state: 'ready' | 'stopped' };

/** How an export writes: chunk bounds (what a restart redoes at most), block size, ZIP limits. */
export interface ExportWriteSettings {
  /** Most entries one chunk writes. */
  chunkEntries: number;
  /** A chunk takes no further entry once it wrote this many bytes. */
  chunkBytes: number;
  /** The size of a staged block: the most archive bytes held in memory. */
  blockBytes: number;
  zipLimits: ZipLimits;
}

export const DEFAULT_EXPORT_WRITE: ExportWriteSettings = {
  chunkEntries: 500,
  chunkBytes: 256 * 1024 * 1024,
  blockBytes: 8 * 1024 * 1024,
  zipLimits: ZIP_LIMITS,
};
