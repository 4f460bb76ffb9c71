import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.js';

const production = {
  DETOUR_ENV: 'production',
  DATABASE_URL: 'postgresql://detour@db.example:5432/detour',
  DataStorage__blobServiceUri: 'https://detour.blob.core.windows.net',
  DataStorage__queueServiceUri: 'https://detour.queue.core.windows.net',
  AUTH_JWKS_URL: 'https://login.example/.well-known/jwks.json',
  CURSOR_SECRET: 'c'.repeat(40),
  WEBHOOK_SECRET_KEY: 'w'.repeat(40),
  REMOVER_URL: 'https://remover.example/remove-background',
  PUBLIC_BASE_URL: 'https://detour.example',
};

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('runs locally with no settings at all, against Azurite', () => {
    const config = loadConfig({});
    expect(config.isProduction).toBe(false);
    expect(config.storage.connectionString).toBe('UseDevelopmentStorage=true');
    expect(config.limits.maxUploadBytes).toBe(25 * 1024 * 1024);
    expect(config.sas).toEqual({
      uploadTtlMinutes: 10,
      readTtlMinutes: 60,
      downloadTtlMinutes: 5,
      removerTtlMinutes: 15,
    });
    expect(config.auth.jwtSecret).toBeDefined();
  });

  it('accepts a complete production environment without local fallbacks', () => {
    const config = loadConfig(production);
    expect(config.storage).toMatchObject({ blobServiceUrl: production.DataStorage__blobServiceUri, connectionString: undefined });
    expect(config.auth.jwtSecret).toBeUndefined();
    expect(config.cursorSecret).toBe(production.CURSOR_SECRET);
    expect(config.webhooks.allowLocalReceivers).toBe(false);
  });

  it('never allows local webhook receivers in production', () => {
    expect(errorOf({ ...production, WEBHOOK_ALLOW_LOCAL_RECEIVERS: 'true' })).toContain('WEBHOOK_ALLOW_LOCAL_RECEIVERS');
    expect(loadConfig({}).webhooks.allowLocalReceivers).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_LOCAL_RECEIVERS: 'false' }).webhooks.allowLocalReceivers).toBe(false);
  });

  it('names each variable production is missing', () => {
    for (const name of ['DATABASE_URL', 'CURSOR_SECRET', 'REMOVER_URL', 'PUBLIC_BASE_URL', 'WEBHOOK_SECRET_KEY']) {
      const { [name as keyof typeof production]: _removed, ...rest } = production;
      expect(errorOf(rest)).toContain(name);
    }
    const { AUTH_JWKS_URL: _jwks, ...withoutAuth } = production;
    expect(errorOf(withoutAuth)).toContain('AUTH_JWKS_URL or AUTH_JWT_SECRET');
  });

  it('names a malformed variable and says what is wrong', () => {
    expect(errorOf({ MAX_UPLOAD_BYTES: 'lots' })).toContain('MAX_UPLOAD_BYTES');
    expect(errorOf({ DATABASE_URL: 'mysql://nope' })).toContain('DATABASE_URL');
    expect(errorOf({ UPLOAD_SAS_TTL_MINUTES: '60' })).toContain('UPLOAD_SAS_TTL_MINUTES');
    for (const name of ['DOWNLOAD_SAS_TTL_MINUTES', 'REMOVER_SAS_TTL_MINUTES']) {
      expect(errorOf({ [name]: '0' })).toContain(name);
      expect(errorOf({ [name]: '61' })).toContain(name);
    }
    expect(errorOf({ AUTH_JWT_SECRET: 'short' })).toMatch(/AUTH_JWT_SECRET: must be at least 32 characters/);
    expect(errorOf({ DETOUR_ENV: 'staging' })).toContain('DETOUR_ENV');
  });
});

describe('documentation of the settings', () => {
  it('lists every variable the loader reads in the README table and local.settings.example.json', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = JSON.parse(readFileSync(new URL('../local.settings.example.json', import.meta.url), 'utf8')) as {
      Values: Record<string, string>;
    };
    for (const name of CONFIG_VARIABLES) {
      expect(readme, `README is missing ${name}`).toContain(`| \`${name}\` |`);
      if (!name.startsWith('DataStorage__')) expect(Object.keys(example.Values), `example is missing ${name}`).toContain(name);
    }
  });
});
