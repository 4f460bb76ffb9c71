/** What the orchestration hands each step after `markProcessing`: the image and its owner. */
export interface ImageStep {
  imageId: string;
  userId: string;
}
