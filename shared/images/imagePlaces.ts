import type { Prisma } from '../db/index.js';

/**
 * Where an image is, whatever its status: in the gallery, in the trash ("Recently deleted", `trashedAt`
 * set), or being deleted for good (`deletedAt` set, invisible everywhere). Every read that shows images
 * selects one place with these filters (raw SQL spells them out: `deleted_at IS NULL AND trashed_at IS NULL`);
 * `imageLifecycle.ts` moves images between them.
 */
export const IN_GALLERY = { deletedAt: null, trashedAt: null } as const satisfies Prisma.UserImageWhereInput;

export const IN_TRASH = { deletedAt: null, trashedAt: { not: null } } as const satisfies Prisma.UserImageWhereInput;
