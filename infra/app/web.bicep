// The gallery page (web/dist) on a Static Web App, Free plan: static files from Azure's global edge, with
// the SPA fallback and cache headers of web/staticwebapp.config.json. azd deploys it as the `web`
// service. Users reach it through Front Door (front-door.bicep), on the same origin as the API; its own
// *.azurestaticapps.net address also serves the page, whose /api calls then find nothing there.
param name string
param location string
param tags object

resource staticSite 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // Deployed by azd from a build made here, not by a repository workflow; no preview environments.
    provider: 'None'
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

output name string = staticSite.name
output defaultHostName string = staticSite.properties.defaultHostname
