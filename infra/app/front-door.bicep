// Optional Azure Front Door (Standard) in front of the thumbnails container, deployed when
// enableFrontDoor is true.
//
// How SAS links pass through: Front Door forwards the path and the whole query string to the storage
// account unchanged, with the account's own host name (originHostHeader). A user delegation SAS signs
// the canonical resource /blob/<account>/thumbnails/<path>, not the host, so the product's thumbnail
// link works with its host swapped for this endpoint's, and Blob Storage still checks signature, expiry
// and permissions on every request. Caching is left off on purpose: each SAS is unique per response, and
// a cached copy could outlive the SAS that fetched it. Front Door still terminates TLS at the edge.
// The product builds links with the blob endpoint today; serving thumbnails through Front Door needs the
// code to swap the host (docs/deploy.md).
param name string
param tags object
param dataStorageAccountName string

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

var blobHostName = replace(replace(dataStorage.properties.primaryEndpoints.blob, 'https://', ''), '/', '')

resource profile 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: name
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: profile
  name: '${name}-thumbnails'
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

// One origin, so no health probe: a probe without a SAS would only ever get 4xx from the account.
resource originGroup 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'data-storage'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
  }
}

resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: originGroup
  name: 'blob'
  properties: {
    hostName: blobHostName
    originHostHeader: blobHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource thumbnailsRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'thumbnails'
  dependsOn: [origin]
  properties: {
    originGroup: {
      id: originGroup.id
    }
    patternsToMatch: ['/thumbnails/*']
    supportedProtocols: ['Https']
    forwardingProtocol: 'HttpsOnly'
    httpsRedirect: 'Disabled'
    linkToDefaultDomain: 'Enabled'
  }
}

output endpointHostName string = endpoint.properties.hostName
