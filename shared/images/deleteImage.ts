import { AppError } from '../errors.js';
import { trashImages } from '../trash/trashImages.js';
import { deleteImages, type DeleteImagesOptions } from './deleteImages.js';

export interface DeleteImageOptions extends Omit<DeleteImagesOptions, 'imageIds' | 'onlyTrashed'> {
  imageId: string;
  /** Delete for good at once (`?permanent=true`), from the gallery or the trash, instead of moving it to the trash. */
  permanent: boolean;
}

/**
 * `DELETE /api/images/{id}`: one image, as the bulk routes do it — to the trash, or for good with
 * `permanent`. Missing or someone else's is 404; so is an image already in the trash, unless `permanent`.
 */
export async function deleteImage(options: DeleteImageOptions): Promise<void> {
  const { permanent, imageId, ...rest } = options;
  const { notFound } = permanent
    ? await deleteImages({ ...rest, imageIds: [imageId] })
    : await trashImages({ ...rest, imageIds: [imageId] });
  if (notFound.length > 0) throw new AppError('not_found', `No image ${imageId} in your gallery.`);
}
