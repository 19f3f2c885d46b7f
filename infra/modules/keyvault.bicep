// Key Vault in RBAC mode holding the integration's secrets. The app settings reference them with
// @Microsoft.KeyVault(SecretUri=...) (versionless: a new secret version is picked up within 24 h, or at once on restart).
// A secret parameter left empty leaves that secret untouched, so secrets can also be set with
// `az keyvault secret set` and later deployments do not need them.

@description('Key Vault name: 3-24 letters, digits and dashes, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('RetailCRM API key (RetailCrm__ApiKey). Empty: keep the stored secret.')
@secure()
param retailCrmApiKey string

@description('RetailCRM trigger shared secret (RetailCrm__WebhookSecret). Empty: keep the stored secret.')
@secure()
param retailCrmWebhookSecret string

@description('Bitrix inbound webhook URL https://{host}/rest/{user}/{secret}/ (Bitrix__WebhookUrl). Empty: keep the stored secret.')
@secure()
param bitrixWebhookUrl string

@description('Bitrix outbound webhook application token (Bitrix__ApplicationToken). Empty: keep the stored secret.')
@secure()
param bitrixApplicationToken string

@description('Key of the ICML feed URL RetailCRM downloads (Catalog__FeedKey). Empty: keep the stored secret.')
@secure()
param catalogFeedKey string

var secretNames = {
  retailCrmApiKey: 'retailcrm-api-key'
  retailCrmWebhookSecret: 'retailcrm-webhook-secret'
  bitrixWebhookUrl: 'bitrix-webhook-url'
  bitrixApplicationToken: 'bitrix-application-token'
  catalogFeedKey: 'catalog-feed-key'
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource retailCrmApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(retailCrmApiKey)) {
  parent: vault
  name: secretNames.retailCrmApiKey
  properties: {
    value: retailCrmApiKey
  }
}

resource retailCrmWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(retailCrmWebhookSecret)) {
  parent: vault
  name: secretNames.retailCrmWebhookSecret
  properties: {
    value: retailCrmWebhookSecret
  }
}

resource bitrixWebhookUrlSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(bitrixWebhookUrl)) {
  parent: vault
  name: secretNames.bitrixWebhookUrl
  properties: {
    value: bitrixWebhookUrl
  }
}

resource bitrixApplicationTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(bitrixApplicationToken)) {
  parent: vault
  name: secretNames.bitrixApplicationToken
  properties: {
    value: bitrixApplicationToken
  }
}

resource catalogFeedKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(catalogFeedKey)) {
  parent: vault
  name: secretNames.catalogFeedKey
  properties: {
    value: catalogFeedKey
  }
}

output id string = vault.id
output name string = vault.name

@description('Versionless secret URIs, for @Microsoft.KeyVault(SecretUri=...) references.')
output secretUris object = {
  retailCrmApiKey: '${vault.properties.vaultUri}secrets/${secretNames.retailCrmApiKey}'
  retailCrmWebhookSecret: '${vault.properties.vaultUri}secrets/${secretNames.retailCrmWebhookSecret}'
  bitrixWebhookUrl: '${vault.properties.vaultUri}secrets/${secretNames.bitrixWebhookUrl}'
  bitrixApplicationToken: '${vault.properties.vaultUri}secrets/${secretNames.bitrixApplicationToken}'
  catalogFeedKey: '${vault.properties.vaultUri}secrets/${secretNames.catalogFeedKey}'
}
