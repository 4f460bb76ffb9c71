// Alerts on what the product itself reports. The code writes one JSON line per event with
// context.log (shared/observability/eventLog.ts); Application Insights keeps it in traces.message, and
// a logger that exports structured attributes would put the same fields in customDimensions: each query
// reads whichever holds the `event` field.
param namePrefix string
param location string
param tags object
param applicationInsightsName string
param dataStorageAccountName string
param systemTopicName string

@description('Existing action group to notify; empty leaves the alerts without notifications.')
param actionGroupId string

param failureRateAlertPercent int
param failureRateMinImages int
param storageCapacityAlertGiB int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

var logAlertActions = {
  actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
}
var metricAlertActions = empty(actionGroupId) ? [] : [{ actionGroupId: actionGroupId }]

// shared/quota/reportQuotaCrossings.ts: { event: 'quota_reached', userId, limit, percent, used, max }
// when a user reaches 100 % of a limit (`quota_warning` also at 80 %). One alert per limit kind.
var quotaReachedQuery = '''
traces
| where message contains "quota_reached" or tostring(customDimensions.event) == "quota_reached"
| extend fields = iff(isnotempty(customDimensions.event), customDimensions, parse_json(message))
| where tostring(fields.event) == "quota_reached" and toint(fields.percent) >= 100
| summarize users = dcount(tostring(fields.userId)) by quotaLimit = tostring(fields.limit)
'''

// shared/pipeline/timePipelineStep.ts: { event: 'pipeline_step', step, imageId, outcome, durationMs }.
// functions/processImage.ts ends every image in exactly one of two steps: finalizeImage (ready) or
// markImageFailed (failed, after retries). The failure rate is failed / finished over the window.
var failureRateQuery = '''
traces
| where message contains "pipeline_step" or tostring(customDimensions.event) == "pipeline_step"
| extend fields = iff(isnotempty(customDimensions.event), customDimensions, parse_json(message))
| where tostring(fields.event) == "pipeline_step" and tostring(fields.outcome) == "ok"
| extend stepName = tostring(fields.step), imageId = tostring(fields.imageId)
| summarize ready = dcountif(imageId, stepName == "finalizeImage"), failed = dcountif(imageId, stepName == "markImageFailed")
| extend finished = ready + failed
| where finished >= minFinished
| project failurePercent = round(100.0 * failed / finished, 1)
'''

// Storage metrics have no per-queue dimension, so the poison queues are watched through the host's own
// warning when it moves a message: "Message has reached MaxDequeueCount of 5. Moving message to queue
// '<queue>-poison'." (image-processing-poison, webhook-deliveries-poison, image-deletions-poison,
// webjobs-blobtrigger-poison).
var poisonQueueQuery = '''
traces
| where message has "MaxDequeueCount" and message contains "-poison'"
| extend queueName = extract("queue '([^']+)'", 1, message)
| summarize moved = count() by queueName
'''

resource quotaReached 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-quota-reached'
  location: location
  tags: tags
  properties: {
    displayName: 'detour: users reached their quota'
    description: 'Users reached 100 % of their storage or image quota in the last hour (quota_reached events). A steady stream means the default limits are too low for how the product is used.'
    severity: 3
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: quotaReachedQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'users'
          dimensions: [
            {
              name: 'quotaLimit'
              operator: 'Include'
              values: ['*']
            }
          ]
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
    actions: logAlertActions
  }
}

resource processingFailureRate 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-processing-failure-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'detour: image processing failure rate'
    description: 'More than ${failureRateAlertPercent} % of the images that finished processing in the last hour ended failed (markImageFailed vs finalizeImage pipeline steps). Look at the remover service first.'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'let minFinished = ${failureRateMinImages};\n${failureRateQuery}'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failurePercent'
          operator: 'GreaterThan'
          threshold: failureRateAlertPercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: logAlertActions
  }
}

resource poisonMessages 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-poison-messages'
  location: location
  tags: tags
  properties: {
    displayName: 'detour: messages moved to a poison queue'
    description: 'The Functions host gave up on a queue message or a blob after 5 attempts and moved it to a -poison queue. Inspect and replay it from that queue.'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: poisonQueueQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'moved'
          dimensions: [
            {
              name: 'queueName'
              operator: 'Include'
              values: ['*']
            }
          ]
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
    actions: logAlertActions
  }
}

// UsedCapacity is emitted hourly; a 6-hour window always holds a data point.
resource storageCapacity 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-storage-capacity'
  location: 'global'
  tags: tags
  properties: {
    description: 'The product data account holds more than ${storageCapacityAlertGiB} GiB.'
    severity: 3
    enabled: true
    scopes: [dataStorage.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT6H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'UsedCapacity'
          metricNamespace: 'Microsoft.Storage/storageAccounts'
          metricName: 'UsedCapacity'
          timeAggregation: 'Average'
          operator: 'GreaterThan'
          threshold: storageCapacityAlertGiB * 1073741824
        }
      ]
    }
    autoMitigate: true
    actions: metricAlertActions
  }
}

// An upload whose BlobCreated event could not be delivered for a day: its image never left
// pending_upload. The event is in the eventgrid-deadletter container of the host account.
resource deadLetteredEvents 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-blob-events-dead-lettered'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered BlobCreated events of uploads/: those uploads were never processed.'
    severity: 2
    enabled: true
    scopes: [systemTopic.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLetteredCount'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    autoMitigate: true
    actions: metricAlertActions
  }
}
