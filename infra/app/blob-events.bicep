// Deployed by the postdeploy hook (infra/scripts/subscribe-blob-events.sh), not by `azd provision`:
// Event Grid validates a webhook when the subscription is created, and only the deployed blob extension
// answers at /runtime/webhooks/blobs. This is the step the eventgrid-blob azd sample runs after
// deployment, written as a template so it stays declarative and idempotent.
targetScope = 'resourceGroup'

param functionAppName string
param systemTopicName string
param hostStorageAccountName string
param deadLetterContainerName string

@description('The blob trigger registered with source: EventGrid (functions/onOriginalUploaded.ts).')
param functionName string = 'onOriginalUploaded'

@description('The container the trigger watches (CONTAINERS.uploads, the intake the upload links reach).')
param containerName string = 'uploads'

@description('MAX_UPLOAD_BYTES of the app: larger blobs are never delivered.')
param maxUploadBytes int

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

// The blobs_extension system key exists once the host has loaded the blob trigger.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource uploadsCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: systemTopic
  name: 'uploads-blob-created'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/'
      // A SAS cannot cap the size of an upload, and the blob trigger reads the whole blob into memory:
      // a blob over the limit is never delivered (its row stays pending_upload and the clean-up timer
      // deletes it with the blob once the upload link is long expired; the lifecycle rule of uploads/
      // and the reconciliation timer delete any intake blob left behind).
      advancedFilters: [
        {
          operatorType: 'NumberLessThanOrEquals'
          key: 'data.contentLength'
          value: maxUploadBytes
        }
      ]
    }
    // A day of retries covers a Function App outage; then the event is kept, not dropped, and the
    // image stays pending_upload until the cleanup timer releases it.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: hostStorage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}
