// The user-assigned identity of the Function App. It is the only principal that reaches the product's
// storage, queues, telemetry and secrets; infra/app/rbac.bicep grants it exactly what the code uses.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output resourceId string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
