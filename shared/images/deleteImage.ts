import { AppError } from '../errors.js';
import { deleteImages, type DeleteImagesOptions } from './deleteImages.js';

export interface DeleteImageOptions extends Omit<DeleteImagesOptions, 'imageIds'> {
  imageId: string;
}

/** `DELETE /api/images/{id}`: one image, as the bulk delete does it; missing or someone else's is 404. */
export async function deleteImage(options: DeleteImageOptions): Promise<void> {
  const { notFound } = await deleteImages({ ...options, imageIds: [options.imageId] });
  if (notFound.length > 0) throw new AppError('not_found', `No image ${options.imageId} in your gallery.`);
}
