// Alerts: orders that were dead-lettered or poisoned, and a stalled order queue (a growing backlog, or hooks accepted
// while no push runs). docs/operations.md explains each one and what to do.

@description('Name prefix of the alert rules.')
param namePrefix string

@description('Azure region of the log alerts.')
param location string

@description('Tags for every resource.')
param tags object

@description('Application Insights component the log alerts query.')
param appInsightsId string

@description('Storage account whose queue backlog is watched.')
param storageAccountId string

@description('E-mail address that receives the alerts; empty: no action group (alerts still show in the portal).')
param alertEmail string

@description('Messages in the storage account queues (orders, status changes and their -poison queues) above which the backlog alert fires.')
@minValue(1)
param backlogThreshold int

@description('Function name of the queue-triggered push (requests telemetry operation_Name).')
param pushFunctionName string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('${namePrefix}ops', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = empty(alertEmail) ? [] : [actionGroup.id]

// Our structured log "Order {OrderId} dead-lettered after {Attempts} attempt(s), {Direction}, reason {Reason}: {Error}",
// and the host's "Moving message to queue '<queue>-poison'".
resource deadLetters 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-dead-letters'
  location: location
  tags: tags
  properties: {
    displayName: '${namePrefix}: orders dead-lettered or poisoned'
    description: 'An order or status change could not be synchronised and was written to the deadletters table (or moved to a -poison queue). See docs/operations.md, "What failed today and why".'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "dead-lettered" or message has "-poison"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

// Hooks accepted orders in the last 30 minutes, but the queue-triggered push ran not once.
resource stalledPush 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-push-stalled'
  location: location
  tags: tags
  properties: {
    displayName: '${namePrefix}: orders queued but not pushed'
    description: 'Orders were queued by the Bitrix hook in the last 30 minutes but ${pushFunctionName} did not run: the queue is stalled (app stopped, storage roles, host errors). See docs/operations.md, "Alerts".'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'let queued = toscalar(traces | where message has "queued orders" | count); let pushes = toscalar(requests | where operation_Name =~ "${pushFunctionName}" | count); print queued, pushes | where queued > 0 and pushes == 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

// Queue capacity metrics are account-wide and hourly: a backlog that stays above the threshold for an hour.
resource backlog 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-queue-backlog'
  location: 'global'
  tags: tags
  properties: {
    description: 'More than ${backlogThreshold} messages wait in the storage queues (orders, status changes, -poison). See docs/operations.md, "Alerts".'
    severity: 2
    enabled: true
    scopes: [
      '${storageAccountId}/queueServices/default'
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'backlog'
          metricNamespace: 'Microsoft.Storage/storageAccounts/queueServices'
          metricName: 'QueueMessageCount'
          operator: 'GreaterThan'
          threshold: backlogThreshold
          timeAggregation: 'Average'
        }
      ]
    }
    autoMitigate: true
    actions: [
      for id in actionGroups: {
        actionGroupId: id
      }
    ]
  }
}
