// Bitrix ⇄ RetailCRM integration: everything one environment needs, in one resource group.
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam
// Local modules only (no registry modules), so `bicep build` and `bicep lint` work offline.

@description('Short name of the integration, used in every resource name (lowercase letters and digits).')
@minLength(2)
@maxLength(10)
param baseName string = 'bxcrm'

@description('Environment name, e.g. staging or prod (lowercase letters and digits).')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Tags for every resource.')
param tags object = {}

// --- the integration -------------------------------------------------------------------------------------------------

@description('RetailCRM account URL, https://{account}.retailcrm.ru/ (RetailCrm__Url).')
param retailCrmUrl string

@description('RetailCRM account time zone (RetailCrm__TimeZone): RetailCRM date-times carry no offset.')
param retailCrmTimeZone string = 'Europe/Moscow'

@description('RetailCRM requests per second per key shared by one instance (RetailCrm__RequestsPerSecond).')
param retailCrmRequestsPerSecond string = '10'

@description('Bitrix domain; hooks from another auth[domain] are refused. Empty: any (Bitrix__Domain).')
param bitrixDomain string = ''

@description('Bitrix leaky-bucket burst (Bitrix__Burst): 50 on Bitrix24 cloud; ask the admin of an on-premise store.')
@minValue(1)
param bitrixBurst int = 50

@description('Bitrix drain rate in requests per second (Bitrix__RequestsPerSecond): 2 on Bitrix24 cloud.')
param bitrixRequestsPerSecond string = '2'

@description('RetailCRM order number template, placeholders {accountNumber} and {id} (Sync__OrderNumberTemplate).')
param orderNumberTemplate string = '{accountNumber}'

@description('Where the first RetailCRM history poll starts, ISO-8601; empty: from the first run (StatusSync__HistoryStartDate).')
param historyStartDate string = ''

@description('NCRONTAB of the RetailCRM history poll (HistoryPollSchedule).')
param historyPollSchedule string = '0 */1 * * * *'

@description('NCRONTAB of the order reconciliation that recovers lost Bitrix hooks (ReconcileSchedule).')
param reconcileSchedule string = '0 */5 * * * *'

@description('NCRONTAB of the check that queues again the orders of a push whose instance died (RecoverySchedule).')
param recoverySchedule string = '*/30 * * * * *'

@description('Bitrix site ids (LID) orders come from, comma-separated, for the reference-data check (ReferenceData__BitrixSites).')
param bitrixSites string = ''

// --- secrets: go to Key Vault only; empty keeps what the vault holds ----------------------------------------------------

@description('RetailCRM API key (methods orders, customers, reference, history).')
@secure()
param retailCrmApiKey string = ''

@description('Shared secret the RetailCRM trigger sends (16+ characters).')
@secure()
param retailCrmWebhookSecret string = ''

@description('Key in the ICML feed URL that RetailCRM downloads (16+ characters).')
@secure()
param catalogFeedKey string = ''

@description('Public shop URL: base of the feed\'s picture URLs (Catalog__ShopUrl); empty: no pictures.')
param shopUrl string = ''

@description('RetailCRM site code for stock and price uploads (Catalog__Site).')
param catalogSite string = 'shop'

@description('Bitrix inbound webhook URL https://{host}/rest/{user}/{secret}/ (scope sale).')
@secure()
param bitrixWebhookUrl string = ''

@description('Bitrix outbound webhook application token (or the PHP handler\'s RETAILCRM_SYNC_TOKEN).')
@secure()
param bitrixApplicationToken string = ''

// --- hosting and monitoring ------------------------------------------------------------------------------------------

@description('Flex Consumption instance cap (1-1000). Each instance has its own RetailCRM rate limiter.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('E-mail address for the alerts; empty: alerts only show in the portal.')
param alertEmail string = ''

@description('Queue messages (all queues of the account) above which the backlog alert fires.')
@minValue(1)
param backlogThreshold int = 100

var suffix = take(uniqueString(resourceGroup().id, baseName, environmentName), 6)
var prefix = '${baseName}-${environmentName}'
var names = {
  identity: 'id-${prefix}'
  storage: take('st${baseName}${environmentName}${suffix}', 24)
  keyVault: take('kv${baseName}${environmentName}${suffix}', 24)
  workspace: 'log-${prefix}'
  appInsights: 'appi-${prefix}'
  plan: 'asp-${prefix}'
  functionApp: 'func-${prefix}-${suffix}'
}

// Names the app settings and the storage module share.
var ordersQueueName = 'bitrix-orders'
var statusQueueName = 'retailcrm-status'
var tables = {
  mappings: 'mappings'
  orderState: 'orderstate'
  deadLetters: 'deadletters'
  statusState: 'statusstate'
}
var deploymentContainerName = 'app-package'
var catalogContainerName = 'catalog'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    catalogContainerName: catalogContainerName
    queueNames: [
      ordersQueueName
      '${ordersQueueName}-poison'
      statusQueueName
      '${statusQueueName}-poison'
    ]
    tableNames: [
      tables.mappings
      tables.orderState
      tables.deadLetters
      tables.statusState
    ]
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    retailCrmApiKey: retailCrmApiKey
    retailCrmWebhookSecret: retailCrmWebhookSecret
    bitrixWebhookUrl: bitrixWebhookUrl
    bitrixApplicationToken: bitrixApplicationToken
    catalogFeedKey: catalogFeedKey
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
  }
  dependsOn: [
    identity
    storage
    keyVault
    monitoring
  ]
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: prefix
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    storageAccountId: storage.outputs.id
    alertEmail: alertEmail
    backlogThreshold: backlogThreshold
    pushFunctionName: 'PushOrder'
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: names.functionApp
}

// Every setting the code reads (Functions.Tests/Deployment checks the names against the options classes). Secrets are
// Key Vault references only; storage is identity-based: no scalar AzureWebJobsStorage, which would shadow the
// AzureWebJobsStorage__* settings.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.outputs.clientId
    AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
    AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
    // Read by the .NET runtime of the worker, which inherits app settings as environment variables: a 32 MB gen0 budget
    // instead of one sized from whatever L3 cache the host reports (80 MB of collectable garbage where a VM reports
    // 300 MB). It keeps the ICML build at ~165 MB peak working set instead of ~212 MB and limits no heap, so the order
    // push at a sale peak is not constrained (README, Benchmarks). The icml benchmark runs with every DOTNET_* setting here.
    DOTNET_GCgen0size: '0x2000000'

    OrdersQueueName: ordersQueueName
    StatusQueueName: statusQueueName
    HistoryPollSchedule: historyPollSchedule
    ReconcileSchedule: reconcileSchedule
    RecoverySchedule: recoverySchedule

    Bitrix__WebhookUrl: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUris.bitrixWebhookUrl})'
    Bitrix__ApplicationToken: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUris.bitrixApplicationToken})'
    Bitrix__Domain: bitrixDomain
    Bitrix__Burst: string(bitrixBurst)
    Bitrix__RequestsPerSecond: bitrixRequestsPerSecond
    Bitrix__AttemptTimeoutSeconds: '30'

    RetailCrm__Url: retailCrmUrl
    RetailCrm__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUris.retailCrmApiKey})'
    RetailCrm__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUris.retailCrmWebhookSecret})'
    RetailCrm__RequestsPerSecond: retailCrmRequestsPerSecond
    RetailCrm__AttemptTimeoutSeconds: '30'
    RetailCrm__TimeZone: retailCrmTimeZone

    RetailCrmWebhook__ExternalId: 'externalId'
    RetailCrmWebhook__Id: 'id'
    RetailCrmWebhook__Status: 'status'
    RetailCrmWebhook__Site: 'site'
    RetailCrmWebhook__Secret: 'secret'
    RetailCrmWebhook__ChangedAt: 'changedAt'

    Sync__OrderNumberTemplate: orderNumberTemplate
    Sync__MappingTable: tables.mappings
    Sync__OrderStateTable: tables.orderState
    Sync__DeadLetterTable: tables.deadLetters
    Sync__MappingCacheTtl: '00:00:30'
    Sync__MaxDequeueCount: '10' // equal to host.json maxDequeueCount
    Sync__MaxHookBodyBytes: '16384'
    Sync__RepeatedSaveWindow: '00:00:01'
    Sync__PushBatchSize: '100'
    Sync__PushBatchWindow: '00:00:01'
    Sync__MaxConcurrentPushBatches: '12' // × 100 orders ≤ host.json batchSize + newBatchThreshold (1200)
    Sync__PushDeadline: '00:00:45'

    StatusSync__StatusStateTable: tables.statusState
    StatusSync__HistoryStartDate: historyStartDate
    StatusSync__HistoryPageLimit: '100'
    StatusSync__HistoryMaxPagesPerRun: '25'
    StatusSync__HistoryPollInterval: '00:01:00'

    Reconcile__Lookback: '01:00:00' // how far back the very first run looks
    Reconcile__Overlap: '00:01:00'
    Reconcile__MaxPagesPerRun: '20'
    Reconcile__Interval: '00:05:00' // local runner only
    Reconcile__RecoveryInterval: '00:00:30' // local runner only

    ReferenceData__BitrixSites: bitrixSites

    CatalogFeedSchedule: '0 0 */4 * * *'
    CatalogStockSchedule: '0 */15 * * * *'
    CatalogPriceSchedule: '0 5 * * * *'
    Catalog__Container: 'catalog'
    Catalog__BlobName: 'icml.xml'
    Catalog__FeedKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.secretUris.catalogFeedKey})'
    Catalog__ShopName: 'Shop'
    Catalog__CompanyName: 'Shop'
    Catalog__ShopUrl: shopUrl
    Catalog__ProductUrlTemplate: ''
    Catalog__IblockId: ''
    Catalog__BasePriceTypeId: '1'
    Catalog__ParamProperties: ''
    Catalog__VendorPropertyId: ''
    Catalog__BarcodePropertyId: ''
    Catalog__Site: catalogSite
    Catalog__StateTable: 'catalogstate'
    Catalog__PagesPerBatch: '50'
    // Local runner only (its stand-ins for the catalogue timers); empty binds as "off".
    Catalog__LocalFeedInterval: ''
    Catalog__LocalStockInterval: ''
    Catalog__LocalPriceInterval: ''
  }
  dependsOn: [
    app
    roles
  ]
}

@description('Function App name (for AzureFunctionApp@2 appName and az functionapp commands).')
output functionAppName string = app.outputs.name

@description('Bitrix outbound webhook / PHP handler URL; append ?code=<function key> (az functionapp keys list).')
output bitrixHookUrl string = 'https://${app.outputs.defaultHostName}/api/bitrix/order-saved'

@description('RetailCRM trigger "HTTP request" URL; append ?code=<function key>.')
output retailCrmHookUrl string = 'https://${app.outputs.defaultHostName}/api/retailcrm/order-changed'

@description('Key Vault holding the secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Storage account (mappings, dead letters, queues).')
output storageAccountName string = storage.outputs.name

@description('Application Insights component for the KQL queries in docs/operations.md.')
output appInsightsName string = monitoring.outputs.appInsightsName
