// The product's data account (the `DataStorage` connection): the upload intake, originals, cut-outs,
// thumbnails, gallery exports and the processing queue. Browsers reach it directly with short-lived SAS links, so it stays on the public
// network, but nothing on it is anonymous and no account key works: every SAS is a user delegation SAS
// signed with the Function App's managed identity.
param name string
param location string
param tags object

@description('Origins of the page (Front Door, and a custom domain on it): browsers PUT uploads and GET images from there.')
param corsOrigins array

param enableMalwareScanning bool
param malwareScanningCapGBPerMonth int

// shared/storage/blobPaths.ts: CONTAINERS.
var productContainers = ['uploads', 'originals', 'processed', 'thumbnails', 'previews', 'exports']

// shared/storage/blobPaths.ts: PROCESSING_QUEUE, WEBHOOK_DELIVERY_QUEUE, IMAGE_DELETION_QUEUE. The host creates `<queue>-poison`
// on the first message that fails 5 times; creating it here makes it visible (and empty) from the first day.
var productQueues = [
  'image-processing'
  'image-processing-poison'
  'webhook-deliveries'
  'webhook-deliveries-poison'
  'image-deletions'
  'image-deletions-poison'
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    cors: {
      corsRules: [
        {
          allowedOrigins: corsOrigins
          // PUT: the direct upload; GET/HEAD: downloads and images fetched by script.
          allowedMethods: ['GET', 'HEAD', 'PUT']
          allowedHeaders: ['content-type', 'x-ms-*']
          exposedHeaders: ['content-length', 'content-type', 'etag', 'x-ms-*']
          maxAgeInSeconds: 3600
        }
      ]
    }
    // A week to undo an accidental delete of a blob or a container by an operator.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in productContainers: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in productQueues: {
    parent: queueService
    name: queueName
  }
]

// Originals and cut-outs are rarely read after the first month; thumbnails (the gallery) stay hot.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          enabled: true
          name: 'cool-after-30-days'
          type: 'Lifecycle'
          definition: {
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: 30
                }
              }
            }
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['originals/', 'processed/']
            }
          }
        }
        // The intake holds a blob for seconds (the blob check moves it to originals/ and deletes it):
        // whatever an upload link wrote that nothing checked goes after a day, snapshots included.
        {
          enabled: true
          name: 'delete-intake-after-1-day'
          type: 'Lifecycle'
          definition: {
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 1
                }
              }
              snapshot: {
                delete: {
                  daysAfterCreationGreaterThan: 1
                }
              }
            }
            filters: {
              blobTypes: ['blockBlob', 'appendBlob']
              prefixMatch: ['uploads/']
            }
          }
        }
        // Exports expire after EXPORT_TTL_HOURS (at most 7 days), when the clean-up timer deletes them;
        // this is the backstop for any the timer missed.
        {
          enabled: true
          name: 'delete-exports-after-8-days'
          type: 'Lifecycle'
          definition: {
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 8
                }
              }
            }
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['exports/']
            }
          }
        }
      ]
    }
  }
}

// Defender for Storage on this account only, scanning each blob as it is written. Verdicts land in the
// blob's index tags and in Defender alerts; the pipeline does not wait for them.
resource defender 'Microsoft.Security/defenderForStorageSettings@2022-12-01-preview' = if (enableMalwareScanning) {
  name: 'current'
  scope: storage
  properties: {
    isEnabled: true
    malwareScanning: {
      onUpload: {
        isEnabled: true
        capGBPerMonth: malwareScanningCapGBPerMonth
      }
    }
    sensitiveDataDiscovery: {
      isEnabled: false
    }
    overrideSubscriptionLevelSettings: true
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
