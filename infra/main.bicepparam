// Parameters of one environment. Copy per environment (staging.bicepparam, prod.bicepparam) or override on the
// command line: az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam -p environmentName=prod
// Secrets are never written here: they come from environment variables (pipeline secret variables) and go to Key
// Vault only. An unset variable leaves the secret the vault already holds (or set it with az keyvault secret set).
using 'main.bicep'

// Resource names: <kind>-bxcrm-<environment>[-<6-char hash of the resource group>].
param baseName = 'bxcrm'
param environmentName = readEnvironmentVariable('ENVIRONMENT_NAME', 'staging')

// Your RetailCRM account; its time zone (Settings → System → Time zone).
param retailCrmUrl = readEnvironmentVariable('RETAILCRM_URL', 'https://shop.retailcrm.ru/')
param retailCrmTimeZone = 'Europe/Moscow'
// RetailCRM allows 10 requests/s per API key; this is per instance.
param retailCrmRequestsPerSecond = '10'

// Your Bitrix domain (auth[domain] of the outbound webhook); empty accepts any.
param bitrixDomain = readEnvironmentVariable('BITRIX_DOMAIN', '')
// Bitrix24 cloud: bucket of 50, drains 2/s. On-premise: ask the store's admin (often no limit).
param bitrixBurst = 50
param bitrixRequestsPerSecond = '2'

// RetailCRM order number: {accountNumber} (Bitrix ACCOUNT_NUMBER) or e.g. 'BX-{id}' as the old integration did.
param orderNumberTemplate = '{accountNumber}'

// Status sync (RetailCRM → Bitrix): the first history poll starts here (ISO-8601, e.g. '2026-12-01T00:00:00+03:00');
// empty: from the first run. Poll schedule is NCRONTAB with seconds.
param historyStartDate = ''
param historyPollSchedule = '0 */1 * * * *'

// Bitrix site ids (LID) for the reference-data check, comma-separated, e.g. 's1,s2'.
param bitrixSites = 's1'

// Secrets (Key Vault): RetailCRM API key (methods orders, customers, reference, history); a 16+ character secret
// that the RetailCRM trigger sends; the Bitrix inbound webhook URL (scope sale); the outbound webhook application token.
param retailCrmApiKey = readEnvironmentVariable('RETAILCRM_API_KEY', '')
param retailCrmWebhookSecret = readEnvironmentVariable('RETAILCRM_WEBHOOK_SECRET', '')
param bitrixWebhookUrl = readEnvironmentVariable('BITRIX_WEBHOOK_URL', '')
param bitrixApplicationToken = readEnvironmentVariable('BITRIX_APPLICATION_TOKEN', '')
// The key in the ICML feed URL registered in RetailCRM (https://<app>/api/catalog/icml.xml?key=<key>).
param catalogFeedKey = readEnvironmentVariable('CATALOG_FEED_KEY', '')

// Flex Consumption: instance cap and memory. Orders arrive a few per minute in a typical shop; a low cap also keeps
// the sum of per-instance RetailCRM limiters near the account's limit.
param maximumInstanceCount = 40
param instanceMemoryMB = 2048

// Monitoring: log retention, who gets the alerts, backlog threshold (messages in all queues).
param logRetentionDays = 30
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
param backlogThreshold = 100
