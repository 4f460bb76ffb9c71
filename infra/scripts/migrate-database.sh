#!/bin/sh
# azd predeploy hook: brings the production database to the schema of the code about to be deployed.
#
# The server has no public network access (only the Function App's private endpoint reaches it), so for
# the length of this run it opens public access to this machine's address alone, applies the Prisma
# migrations as the administrator (npm run db:migrate = prisma migrate deploy) into detour's own schema,
# makes sure the application role has exactly the rights it needs, and closes access again, also when a
# step fails. It connects to PostgreSQL itself (5432), not to PgBouncer: Prisma's migration lock is a
# session advisory lock, which transaction pooling would not keep.
set -eu

: "${RESOURCE_GROUP:?run this through azd (azd up / azd deploy): the provision outputs are missing}"
: "${AZURE_KEY_VAULT_NAME:?missing provision output}"
: "${POSTGRES_SERVER_NAME:?missing provision output}"
: "${POSTGRES_HOST:?missing provision output}"
: "${POSTGRES_DATABASE:?missing provision output}"
: "${POSTGRES_SCHEMA:?missing provision output}"
: "${POSTGRES_ADMIN_LOGIN:?missing provision output}"
: "${POSTGRES_APP_LOGIN:?missing provision output}"

# MIGRATION_CLIENT_IP overrides the detection (a proxy, or an agent whose egress address differs).
client_ip="${MIGRATION_CLIENT_IP:-$(curl -fsS --max-time 20 https://api.ipify.org)}"
rule_name="azd-migrate-$(date +%Y%m%d%H%M%S)"

close_access() {
  echo "Closing public access to ${POSTGRES_SERVER_NAME}."
  az postgres flexible-server firewall-rule delete --resource-group "$RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
    --rule-name "$rule_name" --yes --output none || true
  az postgres flexible-server update --resource-group "$RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
    --public-access Disabled --output none
}
trap close_access EXIT
trap 'exit 130' INT TERM

echo "Opening ${POSTGRES_SERVER_NAME} to ${client_ip} for the migration."
az postgres flexible-server update --resource-group "$RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
  --public-access Enabled --output none
az postgres flexible-server firewall-rule create --resource-group "$RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
  --rule-name "$rule_name" --start-ip-address "$client_ip" --end-ip-address "$client_ip" --output none

admin_password="$(az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name postgres-admin-password --query value --output tsv)"
app_password="$(az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name postgres-app-password --query value --output tsv)"
admin_url="postgresql://${POSTGRES_ADMIN_LOGIN}:${admin_password}@${POSTGRES_HOST}:5432/${POSTGRES_DATABASE}?sslmode=verify-full&schema=${POSTGRES_SCHEMA}"

# A fresh checkout (a pipeline) has no dependencies yet; the Prisma CLI and pg come from the lockfile.
[ -d node_modules ] || npm ci --no-audit --no-fund

DATABASE_URL="$admin_url" npm run db:migrate
DATABASE_URL="$admin_url" POSTGRES_APP_LOGIN="$POSTGRES_APP_LOGIN" POSTGRES_APP_PASSWORD="$app_password" \
  node infra/scripts/grant-app-role.mjs
