import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { StorageSettings } from '../config.js';

/** The identity the product's storage clients sign in with when no connection string is set. */
export function storageCredential(settings: Pick<StorageSettings, 'managedIdentityClientId'>): TokenCredential {
  return settings.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
    : new DefaultAzureCredential();
}
