#!/bin/sh
# azd postdeploy hook: subscribes the blob trigger (functions/onOriginalUploaded.ts, source EventGrid)
# to BlobCreated events of uploads/ (the intake) by deploying infra/app/blob-events.bicep. It runs after the code
# is deployed because Event Grid validates the webhook when the subscription is made; redeploying is
# harmless (the deployment is idempotent).
set -eu

: "${RESOURCE_GROUP:?run this through azd (azd up / azd deploy): the provision outputs are missing}"
: "${AZURE_FUNCTION_APP_NAME:?missing provision output}"
: "${BLOB_EVENTS_SYSTEM_TOPIC_NAME:?missing provision output}"
: "${HOST_STORAGE_ACCOUNT_NAME:?missing provision output}"
: "${EVENTGRID_DEADLETTER_CONTAINER:?missing provision output}"
: "${MAX_UPLOAD_BYTES:?missing provision output}"

# The host creates the blobs_extension key when it first loads the blob trigger, shortly after deployment.
attempt=1
until [ -n "$(az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --query systemKeys.blobs_extension --output tsv 2>/dev/null)" ]; do
  if [ "$attempt" -ge 30 ]; then
    echo "The blobs_extension key of ${AZURE_FUNCTION_APP_NAME} did not appear in 5 minutes: is the app running?" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 10
done

az deployment group create --resource-group "$RESOURCE_GROUP" --name blob-events \
  --template-file infra/app/blob-events.bicep \
  --parameters functionAppName="$AZURE_FUNCTION_APP_NAME" systemTopicName="$BLOB_EVENTS_SYSTEM_TOPIC_NAME" \
    hostStorageAccountName="$HOST_STORAGE_ACCOUNT_NAME" deadLetterContainerName="$EVENTGRID_DEADLETTER_CONTAINER" \
    maxUploadBytes="$MAX_UPLOAD_BYTES" \
  --output none
echo "Blob events of uploads/ are delivered to ${AZURE_FUNCTION_APP_NAME}."
