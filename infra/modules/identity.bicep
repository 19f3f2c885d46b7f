// The user-assigned identity the Function App runs as: storage (host and our clients), Key Vault references and
// Application Insights ingestion all authenticate with it, so no key or connection string exists anywhere.

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
