// Every data-plane right in the deployment, each at the narrowest scope the code allows.
// infra/check/productChecks.ts checks that each role the code needs is granted here, on the right resource.
@description('Principal id of the Function App\'s user-assigned identity.')
param appPrincipalId string

@description('Principal id of whoever runs azd; empty grants nothing.')
param deployerPrincipalId string

param dataStorageAccountName string
param hostStorageAccountName string
param applicationInsightsName string
param keyVaultName string

// Built-in role definition ids.
var roles = {
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'database-url'
}

resource authJwtSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'auth-jwt-secret'
}

resource cursorSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'cursor-secret'
}

resource webhookSecretKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'webhook-secret-key'
}

resource postgresAdminPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'postgres-admin-password'
}

resource postgresAppPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: 'postgres-app-password'
}

// ---- Product data account (connection `DataStorage`) ----
// The roles the Functions documentation asks of a blob trigger's connection ("Storage Blob Data Owner and
// Storage Queue Data Contributor", learn.microsoft.com/azure/azure-functions/functions-bindings-storage-blob-trigger).

// The blob trigger reads and deletes intake blobs (uploads/); the code writes originals, cut-outs and
// thumbnails, deletes an image's blobs,
// and calls generateUserDelegationKey for the SAS links.
resource dataBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// image-processing: the blob trigger and retries enqueue, the queue trigger receives and deletes, and
// the host moves a message that failed 5 times to image-processing-poison (and a blob that failed 5 times
// to webjobs-blobtrigger-poison). webhook-deliveries: the app sends wake-ups through the SDK (with this
// identity, `DataStorage__queueServiceUri`), the dispatcher's queue trigger receives and deletes them.
// image-deletions: the emptying of a trash and the queue trigger itself enqueue, the trigger receives.
resource dataQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Host account (AzureWebJobsStorage) ----
// What the Functions documentation requires of an identity-based AzureWebJobsStorage when the app has a
// blob trigger ("All of: Storage Account Contributor, Storage Blob Data Owner, Storage Queue Data
// Contributor", learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity),
// plus Table Data Contributor for Durable Functions. Storage Account Contributor is a management role
// (it could, for one, turn shared keys back on): it is granted on this account only, which holds host
// state and no user content.

// The blob trigger's host-side work (its internal queues and receipts) on this account.
resource hostAccountContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageAccountContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageAccountContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Host locks and secrets, the deployment package, blob-trigger receipts and the Durable task hub's leases.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Durable Functions: control and work-item queues of the task hub.
resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Durable Functions: history and instances tables of the task hub.
resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Telemetry: local auth is disabled, ingestion is authorised by this role ----
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Key Vault references: the three secrets the app settings point at, and nothing else ----
resource appReadsDatabaseUrl 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(databaseUrlSecret.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: databaseUrlSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appReadsAuthJwtSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(authJwtSecret.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: authJwtSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appReadsCursorSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cursorSecret.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: cursorSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appReadsWebhookSecretKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webhookSecretKey.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: webhookSecretKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The deployer: the migration hook connects as the administrator and sets the app role's password.
// No principalType: azd may run as a user or as a pipeline's service principal.
resource deployerReadsAdminPassword 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(postgresAdminPasswordSecret.id, deployerPrincipalId, roles.keyVaultSecretsUser)
  scope: postgresAdminPasswordSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: deployerPrincipalId
  }
}

resource deployerReadsAppPassword 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(postgresAppPasswordSecret.id, deployerPrincipalId, roles.keyVaultSecretsUser)
  scope: postgresAppPasswordSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: deployerPrincipalId
  }
}
