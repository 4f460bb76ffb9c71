// Key Vault for every secret the product uses. Access is by Azure RBAC only, granted per secret in
// rbac.bicep: the Function App reads the three it references, the deployer the two database passwords.
// Secrets are written here from the azd-generated parameters; app settings reference the exact version
// written, so a rotated value changes the settings and the app reloads it at once.
param name string
param location string
param tags object
param enablePurgeProtection bool

@secure()
param databaseUrl string

@secure()
param postgresAdminPassword string

@secure()
param postgresAppPassword string

@secure()
param authJwtSecret string

@secure()
param cursorSecret string

@secure()
param webhookSecretKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Once on, purge protection cannot be turned off: the property is omitted, not false, when disabled.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: databaseUrl
    contentType: 'PostgreSQL URL of the application role (DATABASE_URL)'
  }
}

resource postgresAdminPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-admin-password'
  properties: {
    value: postgresAdminPassword
    contentType: 'PostgreSQL administrator password (migrations only)'
  }
}

resource postgresAppPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-app-password'
  properties: {
    value: postgresAppPassword
    contentType: 'PostgreSQL application role password (set on the role by the migration hook)'
  }
}

resource authJwtSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'auth-jwt-secret'
  properties: {
    value: authJwtSecret
    contentType: 'AUTH_JWT_SECRET'
  }
}

resource cursorSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'cursor-secret'
  properties: {
    value: cursorSecret
    contentType: 'CURSOR_SECRET'
  }
}

resource webhookSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'webhook-secret-key'
  properties: {
    value: webhookSecretKey
    contentType: 'WEBHOOK_SECRET_KEY'
  }
}

output name string = vault.name
output databaseUrlSecretUri string = databaseUrlSecret.properties.secretUriWithVersion
output authJwtSecretUri string = authJwtSecretSecret.properties.secretUriWithVersion
output cursorSecretUri string = cursorSecretSecret.properties.secretUriWithVersion
output webhookSecretKeyUri string = webhookSecretKeySecret.properties.secretUriWithVersion
