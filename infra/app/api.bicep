// The Flex Consumption Function App (Node 22) that runs every function in functions/. It has one
// user-assigned identity, used for the host storage, the product storage, Application Insights and the
// Key Vault references; no connection string or account key is configured anywhere. Its app settings
// are set by api-settings.bicep, once the public origin and the data account exist. Browsers reach it
// only through Front Door, on the page's own origin: it has no CORS (Flex Consumption offers none).
param name string
param planName string
param location string
param tags object
param identityId string
param hostStorageAccountName string
param deploymentContainerName string
param appSubnetId string
param instanceMemoryMB int
param maximumInstanceCount int

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (there is no system identity).
    keyVaultReferenceIdentity: identityId
    // All outbound traffic goes through the VNet, the only path to PostgreSQL's private endpoint.
    virtualNetworkSubnetId: appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Node 20 reached its end of life in April 2026; the package is built and tested for Node 22
      // (scripts/package.ts; npm run test:node22 runs the suite on it).
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// azd deploys to Flex Consumption with Entra tokens; publishing with user names and passwords stays off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
