// Azure Front Door (Standard): the one public origin of the product. /api/* goes to the Function App,
// everything else to the Static Web App that serves the page, so the page calls its API on its own
// origin and no browser request needs CORS (Flex Consumption has no CORS settings). Caching is off: API
// responses carry per-user SAS links, and the page's files carry their own cache headers.
//
// Optionally /thumbnails/* goes to the data account's thumbnails container. How SAS links pass through:
// Front Door forwards the path and the whole query string unchanged, with the account's own host name
// (originHostHeader). A user delegation SAS signs the canonical resource /blob/<account>/thumbnails/<path>,
// not the host, so a thumbnail link works with its host swapped for this endpoint's, and Blob Storage
// still checks signature, expiry and permissions on every request. The product builds links with the
// blob endpoint today; serving thumbnails here needs the code to swap the host (docs/deploy.md).
param name string
param tags object

@description('Default host name of the Function App (the /api/* origin).')
param functionAppHostName string

@description('Default host name of the Static Web App (the origin of every other path).')
param staticWebAppHostName string

@description('Name of the data account; its blob host is derived, so Front Door does not wait for the account.')
param dataStorageAccountName string

@description('Also route /thumbnails/* to the data account.')
param serveThumbnails bool

var blobHostName = '${dataStorageAccountName}.blob.${environment().suffixes.storage}'

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
  name: name
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

// One origin per group, so no health probes (a probe only matters when there is another origin to choose).
resource apiOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'api'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
  }
}

resource apiOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: apiOrigins
  name: 'function-app'
  properties: {
    hostName: functionAppHostName
    originHostHeader: functionAppHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource webOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'web'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
  }
}

resource webOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: webOrigins
  name: 'static-web-app'
  properties: {
    hostName: staticWebAppHostName
    originHostHeader: staticWebAppHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource thumbnailOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = if (serveThumbnails) {
  parent: profile
  name: 'thumbnails'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
  }
}

resource thumbnailOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = if (serveThumbnails) {
  parent: thumbnailOrigins
  name: 'data-storage'
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

// Routes of one endpoint are created one after the other: the most specific patterns win whatever the order.
resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'api'
  dependsOn: [apiOrigin]
  properties: {
    originGroup: {
      id: apiOrigins.id
    }
    patternsToMatch: ['/api/*']
    supportedProtocols: ['Http', 'Https']
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
  }
}

resource webRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'web'
  dependsOn: [webOrigin, apiRoute]
  properties: {
    originGroup: {
      id: webOrigins.id
    }
    patternsToMatch: ['/*']
    supportedProtocols: ['Http', 'Https']
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
  }
}

resource thumbnailsRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = if (serveThumbnails) {
  parent: endpoint
  name: 'thumbnails'
  dependsOn: [thumbnailOrigin, webRoute]
  properties: {
    originGroup: {
      id: thumbnailOrigins.id
    }
    patternsToMatch: ['/thumbnails/*']
    supportedProtocols: ['Https']
    forwardingProtocol: 'HttpsOnly'
    httpsRedirect: 'Disabled'
    linkToDefaultDomain: 'Enabled'
  }
}

output endpointHostName string = endpoint.properties.hostName
output origin string = 'https://${endpoint.properties.hostName}'
