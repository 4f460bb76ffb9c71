import { z } from 'zod';
import { API_KEY_SCOPES } from './apiKeyScopes.js';

const scopesSchema = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, 'at least one scope')
  .transform((scopes) => [...new Set(scopes)])
  .meta({ description: 'What the key may do; every scope when left out.' });

/** The body of `POST /api/keys`. */
export const apiKeyRequestSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'the name cannot be empty')
    .max(100, 'at most 100 characters')
    .meta({ description: 'Your label for the key.' }),
  scopes: scopesSchema.default([...API_KEY_SCOPES]),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .meta({ description: 'Days until the key stops working; never when left out.' }),
});

export type ApiKeyRequest = z.infer<typeof apiKeyRequestSchema>;

/** A key as `GET /api/keys` lists it: never its secret. */
const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When the key was last used, to the minute (updated at most once a minute).' }),
  })
  .meta({ id: 'ApiKey' });

export type ApiKeyResource = z.infer<typeof apiKeySchema>;

/** The reply of `POST /api/keys`: the only time the key itself is shown. */
export const createdApiKeySchema = apiKeySchema
  .omit({ lastUsedAt: true })
  .extend({ key: z.string().meta({ description: 'The key (`dtr_…`): shown only now, stored only as a hash.' }) })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });

/** The path of `DELETE /api/keys/{id}`. */
export const apiKeyIdParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, 'not a key id') });
