#!/usr/bin/env bash
# Imports the API keys the Go predecessor stored for one model (Secret <model>-api-keys, metadata in ConfigMap
# <model>-api-key-metadata, both in the model's namespace) into this pack, through the admin REST API, so that callers
# keep working with the same keys. docs/migration.md explains when and why.
#
#   scripts/import-predecessor-keys.sh NAMESPACE MODEL
#
# Environment:
#   API         the REST API base, e.g. https://llm-keys.example.com/api/v1
#   TOKEN       an access token of an admin (a member of auth.adminGroups)
#   SUBJECT_OF  a shell command that prints the identity provider's subject (sub) of the username given as $1, e.g.
#               'kcadm.sh get users -r nebari -q "username=$1" --fields id --format csv --noquotes'
#   LIFETIME    optional: lifetime of the imported keys (30d, 12h, never); default keys.defaultTTL from now
# Needs kubectl (with access to the model's namespace), jq and curl. Safe to run again: a key stored already is
# reported and skipped. Key values are never printed.
set -euo pipefail
ns="${1:?usage: $0 NAMESPACE MODEL}"
model="${2:?usage: $0 NAMESPACE MODEL}"
: "${API:?set API to the REST API base, e.g. https://llm-keys.example.com/api/v1}"
: "${TOKEN:?set TOKEN to an admin access token}"
: "${SUBJECT_OF:?set SUBJECT_OF to a command that prints the subject of the username \$1}"

keys=$(kubectl -n "$ns" get secret "$model-api-keys" -o json)
metadata=$(kubectl -n "$ns" get configmap "$model-api-key-metadata" -o json 2>/dev/null || echo '{}')
imported=0 skipped=0 failed=0
while IFS= read -r id; do
  meta=$(jq -c --arg id "$id" '.data[$id] // "{}" | fromjson? // {}' <<<"$metadata")
  user=$(jq -r '.creator // empty' <<<"$meta")
  if [[ -z "$user" ]]; then
    echo "skipped $id: the predecessor recorded no owner; its user mints a new key in the portal"
    skipped=$((skipped + 1)); continue
  fi
  subject=$(bash -c "$SUBJECT_OF" _ "$user" | head -1 | tr -d '[:space:]')
  if [[ -z "$subject" ]]; then
    echo "skipped $id: no subject found for user $user"
    skipped=$((skipped + 1)); continue
  fi
  # the Secret goes in on stdin, so no key value is ever a command-line argument (visible in ps)
  body=$(jq -c --arg id "$id" --arg ns "$ns" --arg model "$model" --arg sub "$subject" --arg user "$user" \
      --arg lifetime "${LIFETIME:-}" --argjson meta "$meta" '
    {model: {namespace: $ns, name: $model}, owner: {subject: $sub, username: $user},
     value: (.data[$id] | @base64d), description: ($meta.description // "")}
    + (if $meta.createdAt then {created: $meta.createdAt} else {} end)
    + (if $lifetime != "" then {lifetime: $lifetime} else {} end)' <<<"$keys")
  answer=$(curl -sS -o - -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      --data-binary @- "$API/admin/keys:import" <<<"$body")
  status=${answer##*$'\n'}
  case "$status" in
    201) echo "imported $id for $user as $(jq -r .clientId <<<"${answer%$'\n'*}")"; imported=$((imported + 1)) ;;
    400) echo "skipped $id: $(jq -r .detail <<<"${answer%$'\n'*}")"; skipped=$((skipped + 1)) ;;
    *) echo "failed $id (HTTP $status): $(jq -r '.detail // .' <<<"${answer%$'\n'*}" 2>/dev/null)" >&2; failed=$((failed + 1)) ;;
  esac
done < <(jq -r '.data // {} | keys[]' <<<"$keys")
echo "$ns/$model: $imported imported, $skipped skipped, $failed failed"
[[ $failed -eq 0 ]]
