import { DevhostError } from './errors.js';

/**
 * App settings as the host reads them for bindings: `%Name%` expressions in binding properties, and
 * `connection` names that point at a storage connection string.
 */

export type AppSettings = Readonly<Record<string, string | undefined>>;

/** Replaces each `%Name%` with that app setting, as the host does for queue names, blob paths and schedules. */
export function resolveAppSettingExpressions(value: string, settings: AppSettings): string {
  return value.replace(/%([^%]+)%/g, (_expression, name: string) => {
    const setting = settings[name];
    if (setting === undefined || setting === '')
      throw new DevhostError(`App setting "${name}" (used as %${name}% in a binding) is not set.`);
    return setting;
  });
}

/** A binding's `connection` name (default `AzureWebJobsStorage`) to the storage connection string it names. */
export function storageConnectionStringFor(connectionName: unknown, settings: AppSettings): string {
  const name = typeof connectionName === 'string' && connectionName ? connectionName : 'AzureWebJobsStorage';
  const value = settings[name] || settings[`AzureWebJobs${name}`];
  if (value) return value;
  if (Object.keys(settings).some((key) => key.startsWith(`${name}__`) && settings[key])) {
    throw new DevhostError(
      `Connection "${name}" is identity-based (${name}__…); the devhost runs against Azurite and needs a connection string in "${name}".`,
    );
  }
  throw new DevhostError(`Connection "${name}" is not set: put a storage connection string in the "${name}" app setting.`);
}
