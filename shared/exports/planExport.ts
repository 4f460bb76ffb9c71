import type { Database, DatabaseTransaction, Prisma, UserImage } from '../db/index.js';
import type { GalleryPosition } from '../gallery/encodeGalleryCursor.js';
import { galleryPageSql } from '../gallery/galleryPageSql.js';
import type { GalleryDownloadVariant } from '../gallery/gallerySchemas.js';
import { VARIANT_FILES } from '../gallery/openGalleryZip.js';
import { zipEntryName } from '../gallery/zipEntryName.js';
import { IN_GALLERY } from '../images/imagePlaces.js';
import { storedImageFile } from '../images/storedImageFile.js';
import type { PlanExportResult } from './exportContract.js';
import { exportSelectionSchema } from './exportSchemas.js';

export interface PlanExportOptions {
  db: Database;
  exportId: string;
}

/** Images read per page of a filtered selection. */
const PLAN_PAGE = 1000;

/**
 * Turns a queued export's selection into its items, in archive order (one per image and file; an id
 * not in the gallery becomes a `not_found` item), and marks it running — in one transaction, so a
 * re-run after a crash plans from scratch or finds it planned. The files are looked up again when
 * each chunk writes them: what changes meanwhile is skipped then, not now.
 */
export async function planExport(options: PlanExportOptions): Promise<PlanExportResult> {
  const row = await options.db.galleryExport.findUnique({ where: { id: options.exportId } });
  if (row?.status === 'running') return { state: 'planned' };
  if (row?.status !== 'queued') return { state: 'stopped' };
  const selection = exportSelectionSchema.parse(row.selection);
  const variants = VARIANT_FILES[row.variant as GalleryDownloadVariant];
  await options.db.$transaction(
    async (tx) => {
      let position = 0;
      const add = async (images: readonly (UserImage | string)[]) => {
        const items = images.flatMap((image): Prisma.GalleryExportItemCreateManyInput[] =>
          typeof image === 'string'
            ? [{ exportId: row.id, position: position++, imageId: image, variant: variants[0]!, skipReason: 'not_found' }]
            : variants.map((variant) => ({
                exportId: row.id,
                position: position++,
                imageId: image.id,
                variant,
                name: zipEntryName(image, entryExtension(image, variant), variants.length > 1 ? variant : undefined),
              })),
        );
        if (items.length > 0) await tx.galleryExportItem.createMany({ data: items });
      };
      if ('ids' in selection) {
        const found = await tx.userImage.findMany({ where: { userId: row.userId, id: { in: selection.ids }, ...IN_GALLERY } });
        const byId = new Map(found.map((image) => [image.id, image]));
        await add(selection.ids.map((id) => byId.get(id) ?? id));
      } else {
        for await (const page of galleryPages(tx, row.userId, selection.filter)) await add(page);
      }
      await tx.galleryExport.update({ where: { id: row.id }, data: { status: 'running', total: position } });
    },
    { timeout: 120_000 },
  );
  return { state: 'planned' };
}

/** The extension an entry gets: the stored file's, or the one that variant has once it exists. */
function entryExtension(image: UserImage, variant: 'original' | 'processed'): string {
  return storedImageFile(image, variant)?.extension ?? (variant === 'processed' ? 'png' : (image.originalPath.split('.').pop() ?? 'bin'));
}

async function* galleryPages(
  tx: DatabaseTransaction,
  userId: string,
  filters: Parameters<typeof galleryPageSql>[0]['filters'],
): AsyncGenerator<UserImage[]> {
  let after: GalleryPosition | undefined;
  for (;;) {
    const page = await tx.$queryRaw<UserImage[]>(galleryPageSql({ userId, sort: 'newest', filters, after, limit: PLAN_PAGE }));
    if (page.length > 0) yield page;
    if (page.length < PLAN_PAGE) return;
    const last = page.at(-1)!;
    after = { at: last.createdAt, id: last.id };
  }
}
