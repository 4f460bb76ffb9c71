#!/bin/sh
# azd preprovision hook: registers the resource providers the templates use before anything is deployed.
# A deployment registers most of them itself, but not Microsoft.App: Flex Consumption's VNet integration
# delegates the app subnet to Microsoft.App/environments, which fails in a subscription where that
# provider was never registered. infra/check/platformChecks.ts checks that this list covers every
# provider the templates declare. Registering is idempotent; a registered provider is skipped.
set -eu

namespaces="Microsoft.App Microsoft.Cdn Microsoft.DBforPostgreSQL Microsoft.EventGrid Microsoft.Insights Microsoft.KeyVault Microsoft.ManagedIdentity Microsoft.Network Microsoft.OperationalInsights Microsoft.Security Microsoft.Storage Microsoft.Web"

for namespace in $namespaces; do
  state="$(az provider show --namespace "$namespace" --query registrationState --output tsv 2>/dev/null || echo NotRegistered)"
  if [ "$state" != "Registered" ]; then
    echo "Registering ${namespace} (was ${state})."
    az provider register --namespace "$namespace" --wait --output none
  fi
done
echo "Resource providers are registered."
