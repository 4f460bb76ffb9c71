// detour on Azure: the shape of the azd Functions templates (Azure-Samples/functions-quickstart-typescript-azd
// and its -eventgrid-blob sibling): a subscription-scoped entry point that creates the resource group and
// composes one module per concern under app/. Every module declares its resources directly, so each
// least-privilege setting can be read (and checked by infra/check/, run by `npx vitest run infra`) where it is made.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; with the subscription and the location it makes every resource name unique.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption: az functionapp list-flexconsumption-locations.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of whoever runs azd (azd fills AZURE_PRINCIPAL_ID). The predeploy migration hook reads the two database passwords with it; empty grants nothing.')
param principalId string = ''

// ---- What the product needs from outside -------------------------------------------------------

@description('REMOVER_URL: the FastAPI background-removal endpoint (POST { image_url }).')
param removerUrl string

@description('The origin (https://host, no path) users reach the page and the API at, when a custom domain is attached to the Front Door endpoint: PUBLIC_BASE_URL, and an origin the data account\'s CORS admits besides the endpoint\'s own. Empty: the Front Door endpoint.')
param publicBaseUrl string = ''

@description('AUTH_JWKS_URL of the production identity provider (RS256/ES256). Empty: HS256 tokens signed with the generated AUTH_JWT_SECRET.')
param authJwksUrl string = ''

@description('AUTH_ISSUER checked on every token when set.')
param authIssuer string = ''

@description('AUTH_AUDIENCE checked on every token when set.')
param authAudience string = ''

// ---- Secrets: generated once by azd (kept in the azd environment), written to Key Vault, read by the
// Function App through Key Vault references. Setting the mapped environment variable replaces one
// (docs/deploy.md, "Rotating secrets").

@secure()
@description('AUTH_JWT_SECRET (HS256 token signing key, at least 32 characters).')
@metadata({
  azd: {
    type: 'generate'
    config: { length: 48, noSpecial: true }
  }
})
param authJwtSecret string

@secure()
@description('CURSOR_SECRET (signs gallery cursors, at least 32 characters).')
@metadata({
  azd: {
    type: 'generate'
    config: { length: 48, noSpecial: true }
  }
})
param cursorSecret string

@secure()
@description('WEBHOOK_SECRET_KEY (seals webhook signing secrets at rest, at least 32 characters).')
@metadata({
  azd: {
    type: 'generate'
    config: { length: 48, noSpecial: true }
  }
})
param webhookSecretKey string

// Letters and digits only: the passwords go into a postgresql:// URL and into ALTER ROLE unescaped.
@secure()
@description('Password of the PostgreSQL administrator, used only by the migration hook.')
@metadata({
  azd: {
    type: 'generate'
    config: { length: 32, noSpecial: true }
  }
})
param postgresAdminPassword string

@secure()
@description('Password of the application\'s PostgreSQL role (DML only), the one in DATABASE_URL.')
@metadata({
  azd: {
    type: 'generate'
    config: { length: 32, noSpecial: true }
  }
})
param postgresAppPassword string

// ---- Product limits and tuning (app settings read by shared/config.ts; defaults match the code) --

@description('REMOVER_TIMEOUT_MS: one call to the background-removal service.')
param removerTimeoutMs int = 120000

@description('REMOVER_RETRY_ATTEMPTS: tries of a transient remover failure before the image fails.')
param removerRetryAttempts int = 5

@description('REMOVER_RETRY_FIRST_INTERVAL_MS: first back-off interval (doubles on each retry).')
param removerRetryFirstIntervalMs int = 5000

@description('MAX_UPLOAD_BYTES: largest upload accepted (25 MiB).')
param maxUploadBytes int = 26214400

@description('MAX_INPUT_PIXELS: largest decoded image; keep it within what functionInstanceMemoryMB can hold.')
param maxInputPixels int = 50000000

@description('UPLOAD_SAS_TTL_MINUTES: lifetime of a write-only upload link (at most 15).')
param uploadSasTtlMinutes int = 10

@description('READ_SAS_TTL_MINUTES: lifetime of a read link in API responses (at most 60).')
param readSasTtlMinutes int = 60

@description('DOWNLOAD_SAS_TTL_MINUTES: lifetime of the link a download redirects to (at most 60).')
param downloadSasTtlMinutes int = 5

@description('REMOVER_SAS_TTL_MINUTES: lifetime of the read link the remover fetches an original through (at most 60).')
param removerSasTtlMinutes int = 15

@description('UPLOAD_RATE_LIMIT_PER_MINUTE: upload requests per user per minute.')
param uploadRateLimitPerMinute int = 30

@description('API_KEY_UPLOAD_RATE_LIMIT_PER_MINUTE: upload requests per API key per minute.')
param apiKeyUploadRateLimitPerMinute int = 20

@description('WEBHOOK_RETRY_FIRST_INTERVAL_MS: first retry delay of a webhook delivery; doubles up to an hour, for 24 hours.')
param webhookRetryFirstIntervalMs int = 30000

@description('DEFAULT_STORAGE_LIMIT_BYTES: storage quota of a new user (1 GiB).')
param defaultStorageLimitBytes int = 1073741824

@description('DEFAULT_IMAGE_LIMIT: image quota of a new user.')
param defaultImageLimit int = 100

@description('PENDING_UPLOAD_GRACE_HOURS: how long an announced upload may stay unfinished before its reservation is released.')
param pendingUploadGraceHours int = 1

@description('TRASH_RETENTION_DAYS: days a deleted image stays restorable in the trash before it is deleted for good.')
@minValue(1)
@maxValue(3650)
param trashRetentionDays int = 30
@description('EXPORT_TTL_HOURS: how long a finished gallery export can be downloaded before its ZIP is deleted (the exports/ lifecycle rule deletes any left after 8 days).')
@minValue(1)
@maxValue(168)
param exportTtlHours int = 24

@description('RECONCILE_GRACE_MINUTES: age a blob no image row accounts for must reach before the reconciliation removes it.')
@minValue(1)
@maxValue(10080)
param reconcileGraceMinutes int = 60

@description('RECONCILE_BATCH_SIZE: blobs per container, images and users the reconciliation handles per run.')
@minValue(1)
@maxValue(5000)
param reconcileBatchSize int = 200

// ---- Capacity ------------------------------------------------------------------------------------

@allowed([512, 2048, 4096])
@description('Memory of one Flex Consumption instance. sharp decodes up to MAX_INPUT_PIXELS images in memory.')
param functionInstanceMemoryMB int = 2048

@description('Upper bound of Flex Consumption instances (cost, and clients of the database pooler: infra/check/productChecks.ts checks the budget).')
param functionMaximumInstanceCount int = 40

@description('PostgreSQL Flexible Server compute SKU. The built-in PgBouncer the app connects through needs General Purpose or Memory Optimized.')
param postgresSkuName string = 'Standard_D2ds_v5'

@allowed(['GeneralPurpose', 'MemoryOptimized'])
@description('Burstable is not offered: it has no built-in PgBouncer, and its connection limit cannot carry a scaled-out app.')
param postgresSkuTier string = 'GeneralPurpose'

@description('PostgreSQL storage in GB (grows automatically).')
param postgresStorageSizeGB int = 32

// ---- Operations ----------------------------------------------------------------------------------

@description('Resource id of an existing action group that every alert notifies. Empty: the alerts exist and fire, but notify no one.')
param alertActionGroupId string = ''

@description('Alert when more than this percentage of the images finished in the last hour ended failed.')
param failureRateAlertPercent int = 10

@description('The failure-rate alert only judges hours in which at least this many images finished processing.')
param failureRateMinImages int = 10

@description('Alert when the product data account holds more than this many GiB.')
param storageCapacityAlertGiB int = 500

@description('Microsoft Defender for Storage on the data account with malware scanning of every upload (billed per GB scanned).')
param enableMalwareScanning bool = false

@description('Monthly cap of GB that malware scanning may scan on the data account.')
param malwareScanningCapGBPerMonth int = 5000

@description('Also route /thumbnails/* of the Front Door endpoint to the thumbnails container (the code still builds thumbnail links on the blob endpoint: docs/deploy.md).')
param serveThumbnailsThroughFrontDoor bool = false

@allowed(['centralus', 'eastasia', 'eastus2', 'westeurope', 'westus2'])
@description('Region of the Static Web App\'s management (its content is served from Azure\'s global edge): one of the regions that offer Static Web Apps.')
param staticWebAppLocation string = 'westeurope'

@description('Key Vault purge protection. Keep it on in production; off lets `azd down --purge` free the vault name at once.')
param enableKeyVaultPurgeProtection bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var functionAppName = 'func-api-${resourceToken}'
var dataStorageAccountName = 'stdata${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var eventGridDeadLetterContainerName = 'eventgrid-deadletter'
var databaseName = 'detour'
// detour's tables, types and migration history live in this schema of the database, never in public
// (the product's app may share the database: prisma/README.md).
var databaseSchema = 'detour'
var postgresAdminLogin = 'detouradmin'
var postgresAppLogin = 'detour_app'
// The server's built-in PgBouncer (transaction pooling): the app connects here, migrations to 5432.
var pgBouncerPort = 6432
var publicOrigin = empty(publicBaseUrl) ? frontDoor.outputs.origin : publicBaseUrl

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// The Function App's only identity: every data-plane right below is granted to it.
module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'app/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

// AzureWebJobsStorage: the Functions host, the deployment package and the Durable task hub.
module hostStorage 'app/host-storage.bicep' = {
  name: 'hostStorage'
  scope: rg
  params: {
    name: 'sthost${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: eventGridDeadLetterContainerName
  }
}

// DataStorage: the product's intake (uploads/), originals, cut-outs and thumbnails, and its processing
// queue. Browsers PUT uploads to it from the page's origin: its CORS admits that origin and no other.
module dataStorage 'app/data-storage.bicep' = {
  name: 'dataStorage'
  scope: rg
  params: {
    name: dataStorageAccountName
    location: location
    tags: tags
    corsOrigins: union([frontDoor.outputs.origin], empty(publicBaseUrl) ? [] : [publicBaseUrl])
    enableMalwareScanning: enableMalwareScanning
    malwareScanningCapGBPerMonth: malwareScanningCapGBPerMonth
  }
}

module database 'app/database.bicep' = {
  name: 'database'
  scope: rg
  params: {
    name: 'psql-${resourceToken}'
    location: location
    tags: tags
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    databaseName: databaseName
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.postgresPrivateDnsZoneId
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: enableKeyVaultPurgeProtection
    // verify-full: the server presents a public CA certificate for this host name, also through the private
    // endpoint and PgBouncer. `schema` tells the Prisma client where detour's tables are; raw SQL finds them
    // through the role's search_path (infra/scripts/grant-app-role.mjs).
    databaseUrl: 'postgresql://${postgresAppLogin}:${postgresAppPassword}@${database.outputs.fqdn}:${pgBouncerPort}/${databaseName}?sslmode=verify-full&schema=${databaseSchema}'
    postgresAdminPassword: postgresAdminPassword
    postgresAppPassword: postgresAppPassword
    authJwtSecret: authJwtSecret
    cursorSecret: cursorSecret
    webhookSecretKey: webhookSecretKey
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.resourceId
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerName: deploymentContainerName
    appSubnetId: network.outputs.appSubnetId
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
  }
}

// The gallery page (web/dist), deployed by azd as the `web` service.
module web 'app/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: 'stapp-${resourceToken}'
    location: staticWebAppLocation
    tags: tags
  }
}

// One origin for the page and the API: /api/* goes to the Function App, everything else to the page.
// No browser call is cross-origin, so nothing depends on platform CORS (which Flex Consumption lacks).
module frontDoor 'app/front-door.bicep' = {
  name: 'frontDoor'
  scope: rg
  params: {
    name: 'afd-${resourceToken}'
    tags: tags
    functionAppHostName: api.outputs.defaultHostName
    staticWebAppHostName: web.outputs.defaultHostName
    dataStorageAccountName: dataStorageAccountName
    serveThumbnails: serveThumbnailsThroughFrontDoor
  }
}

// The app settings come last: they need the public origin (Front Door) and the data account.
module apiSettings 'app/api-settings.bicep' = {
  name: 'apiSettings'
  scope: rg
  params: {
    functionAppName: api.outputs.name
    identityClientId: identity.outputs.clientId
    hostStorageAccountName: hostStorage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    // Every variable shared/config.ts reads, except the ones infra/check/productChecks.ts lists as left to the code.
    appSettings: {
      DETOUR_ENV: 'production'
      DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.databaseUrlSecretUri})'
      // The blob trigger, the queue trigger, the queue outputs and the SAS signer share this connection.
      DataStorage__blobServiceUri: dataStorage.outputs.blobEndpoint
      DataStorage__queueServiceUri: dataStorage.outputs.queueEndpoint
      DataStorage__credential: 'managedidentity'
      DataStorage__clientId: identity.outputs.clientId
      AUTH_JWT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.authJwtSecretUri})'
      AUTH_JWKS_URL: authJwksUrl
      AUTH_ISSUER: authIssuer
      AUTH_AUDIENCE: authAudience
      CURSOR_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.cursorSecretUri})'
      WEBHOOK_SECRET_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.webhookSecretKeyUri})'
      WEBHOOK_RETRY_FIRST_INTERVAL_MS: string(webhookRetryFirstIntervalMs)
      REMOVER_URL: removerUrl
      REMOVER_TIMEOUT_MS: string(removerTimeoutMs)
      REMOVER_RETRY_ATTEMPTS: string(removerRetryAttempts)
      REMOVER_RETRY_FIRST_INTERVAL_MS: string(removerRetryFirstIntervalMs)
      PUBLIC_BASE_URL: publicOrigin
      MAX_UPLOAD_BYTES: string(maxUploadBytes)
      MAX_INPUT_PIXELS: string(maxInputPixels)
      UPLOAD_SAS_TTL_MINUTES: string(uploadSasTtlMinutes)
      READ_SAS_TTL_MINUTES: string(readSasTtlMinutes)
      DOWNLOAD_SAS_TTL_MINUTES: string(downloadSasTtlMinutes)
      REMOVER_SAS_TTL_MINUTES: string(removerSasTtlMinutes)
      UPLOAD_RATE_LIMIT_PER_MINUTE: string(uploadRateLimitPerMinute)
      API_KEY_UPLOAD_RATE_LIMIT_PER_MINUTE: string(apiKeyUploadRateLimitPerMinute)
      DEFAULT_STORAGE_LIMIT_BYTES: string(defaultStorageLimitBytes)
      DEFAULT_IMAGE_LIMIT: string(defaultImageLimit)
      PENDING_UPLOAD_GRACE_HOURS: string(pendingUploadGraceHours)
      TRASH_RETENTION_DAYS: string(trashRetentionDays)
      EXPORT_TTL_HOURS: string(exportTtlHours)
      RECONCILE_GRACE_MINUTES: string(reconcileGraceMinutes)
      RECONCILE_BATCH_SIZE: string(reconcileBatchSize)
    }
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    dataStorageAccountName: dataStorage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

// The system topic is created here; its subscription to the blob extension's webhook can only be made
// once the code is deployed (the webhook must answer Event Grid's validation): see
// infra/app/blob-events.bicep and the postdeploy hook infra/scripts/subscribe-blob-events.sh.
module events 'app/events.bicep' = {
  name: 'events'
  scope: rg
  params: {
    name: 'evgt-data-${resourceToken}'
    location: location
    tags: tags
    dataStorageAccountName: dataStorage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    deadLetterContainerName: eventGridDeadLetterContainerName
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: 'detour-${environmentName}'
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    dataStorageAccountName: dataStorage.outputs.name
    systemTopicName: events.outputs.name
    actionGroupId: alertActionGroupId
    failureRateAlertPercent: failureRateAlertPercent
    failureRateMinImages: failureRateMinImages
    storageCapacityAlertGiB: storageCapacityAlertGiB
  }
}

// azd stores these in the environment; the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
// The postdeploy hook's Event Grid filter drops blobs larger than the app accepts.
output MAX_UPLOAD_BYTES int = maxUploadBytes
output SERVICE_API_NAME string = api.outputs.name
// Where users open the page and the API (Front Door, or the custom domain attached to it).
output PUBLIC_URL string = publicOrigin
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output DATA_STORAGE_ACCOUNT_NAME string = dataStorage.outputs.name
output HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output EVENTGRID_DEADLETTER_CONTAINER string = eventGridDeadLetterContainerName
output BLOB_EVENTS_SYSTEM_TOPIC_NAME string = events.outputs.name
output POSTGRES_SERVER_NAME string = database.outputs.name
output POSTGRES_HOST string = database.outputs.fqdn
output POSTGRES_DATABASE string = databaseName
output POSTGRES_SCHEMA string = databaseSchema
output POSTGRES_ADMIN_LOGIN string = postgresAdminLogin
output POSTGRES_APP_LOGIN string = postgresAppLogin
output FRONT_DOOR_ENDPOINT string = frontDoor.outputs.endpointHostName
