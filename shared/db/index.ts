// The database layer's public face: the client factory and the generated types the rest of the
// code needs. Import from here, never from ./generated (which `npm run db:generate` writes).
export { createDatabaseClient, DEFAULT_POOL_SIZE, type Database, type DatabaseTransaction } from './createDatabaseClient.js';
export { ImageQuality, ImageStatus, Prisma } from './generated/client.js';
export { postgresErrorCode } from './postgresErrorCode.js';
export { USER_IMAGE_COLUMNS } from './userImageColumns.js';
export type { ApiKey, GalleryExport, GalleryExportItem, UserImage, Webhook, WebhookDelivery } from './generated/client.js';
