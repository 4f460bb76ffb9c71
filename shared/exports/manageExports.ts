import type * as df from 'durable-functions';
import type { Database, GalleryExport } from '../db/index.js';
import { AppError } from '../errors.js';
import { exportBlob } from '../storage/blobPaths.js';
import type { BlobStore } from '../storage/blobStore.js';
import { EXPORT_GALLERY_ORCHESTRATION, type ExportStepInput } from './exportContract.js';
import type { exportRequestSchema, ExportSelection } from './exportSchemas.js';
import type { z } from 'zod';

/** Most exports `GET /api/exports` lists (newest first). */
const EXPORT_LIST_LIMIT = 20;

export interface StartExportOptions {
  db: Database;
  /** The part of the durable client that starts the orchestration. */
  starter: Pick<df.DurableClient, 'startNew'>;
  userId: string;
  request: z.output<typeof exportRequestSchema>;
}

/**
 * `POST /api/exports`: records the export (queued) unless the user has one queued or running — checked
 * under a lock on the user's row, so two requests at once cannot both pass — and starts its
 * orchestration under the export's id. An export whose orchestration could not start is marked failed
 * at once, so it never blocks the next one.
 */
export async function startExport(options: StartExportOptions): Promise<GalleryExport> {
  const { db, userId, request } = options;
  const selection: ExportSelection = request.ids ? { ids: [...new Set(request.ids)] } : { filter: request.filter ?? {} };
  const created = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
    const running = await tx.galleryExport.findFirst({ where: { userId, status: { in: ['queued', 'running'] } }, select: { id: true } });
    if (running) {
      throw new AppError('export_in_progress', 'An export of yours is still in progress: wait for it, or delete it to start another.', {
        details: { exportId: running.id },
      });
    }
    // Dates become ISO text, as the orchestration's planning reads them back.
    return tx.galleryExport.create({ data: { userId, variant: request.variant, selection: JSON.parse(JSON.stringify(selection)) } });
  });
  const input: ExportStepInput = { exportId: created.id };
  try {
    await options.starter.startNew(EXPORT_GALLERY_ORCHESTRATION, { instanceId: created.id, input });
  } catch (error) {
    await db.galleryExport.update({
      where: { id: created.id },
      data: { status: 'failed', errorMessage: 'The export could not be started.' },
    });
    throw error;
  }
  return created;
}

/** One of the user's exports; another user's id is `not_found`, as is an unknown one. */
export async function findOwnedExport(db: Database, userId: string, exportId: string): Promise<GalleryExport> {
  const row = await db.galleryExport.findFirst({ where: { id: exportId, userId } });
  if (!row) throw new AppError('not_found', 'No such export.');
  return row;
}

/** The user's newest exports. */
export function listOwnExports(db: Database, userId: string): Promise<GalleryExport[]> {
  return db.galleryExport.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: EXPORT_LIST_LIMIT });
}

/**
 * `DELETE /api/exports/{id}`: the row goes (a running export's orchestration finds it gone at its
 * next step and stops; if its last step committed the archive meanwhile, that step deletes it), then
 * the archive. A blob left by a failure between the two is removed by the storage lifecycle rule.
 */
export async function deleteExport(options: {
  db: Database;
  blobs: Pick<BlobStore, 'delete'>;
  userId: string;
  exportId: string;
}): Promise<void> {
  const row = await findOwnedExport(options.db, options.userId, options.exportId);
  await options.db.galleryExport.deleteMany({ where: { id: row.id } });
  await options.blobs.delete(exportBlob(row.userId, row.id));
}
