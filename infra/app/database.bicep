// PostgreSQL Flexible Server for the product's rows. Public network access is disabled: the only way in
// is the private endpoint in the virtual network that the Function App joins. The predeploy hook
// (infra/scripts/migrate-database.sh) opens public access for the deployer's IP only while migrations run.
// The app connects through the server's PgBouncer (port 6432); migrations connect to PostgreSQL itself.
param name string
param location string
param tags object
param administratorLogin string

@secure()
param administratorLoginPassword string

param databaseName string
param skuName string
param skuTier string
param storageSizeGB int
param privateEndpointSubnetId string
param privateDnsZoneId string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    // The code connects with a DATABASE_URL, so password authentication, with the passwords in Key Vault.
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
}

// The server accepts one operation at a time: a configuration change, a database or a private endpoint
// started while another runs fails with ServerBusy (github.com/Azure/bicep-types-az/issues/1507 for this
// very allow-list on redeploy). Every operation below waits for the one before it.

// Azure allow-lists extensions per server: the init migration creates pg_trgm (the gallery's
// case-insensitive search indexes), which fails unless it is listed here first.
resource allowedExtensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'azure.extensions'
  properties: {
    value: 'PG_TRGM'
    source: 'user-override'
  }
}

// The built-in PgBouncer on port 6432, between every Function App instance and the server: thousands of
// client connections share a small pool of server connections, one per transaction.
resource pgBouncer 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.enabled'
  dependsOn: [allowedExtensions]
  properties: {
    value: 'true'
    source: 'user-override'
  }
}

// Transaction pooling (Azure's default, pinned): the Prisma pg adapter sends unnamed prepared
// statements only, which work in this mode (shared/db/throughPgBouncer.integration.test.ts).
resource pgBouncerPoolMode 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.pool_mode'
  dependsOn: [pgBouncer]
  properties: {
    value: 'TRANSACTION'
    source: 'user-override'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  dependsOn: [pgBouncerPoolMode]
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${name}'
  location: location
  tags: tags
  dependsOn: [database]
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'postgres'
        properties: {
          privateLinkServiceId: server.id
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
}

resource privateDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'postgres'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
