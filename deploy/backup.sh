#!/usr/bin/env bash
# Backs up Passerelle: the PostgreSQL database (pg_dump, custom format) and the stored files
# (bilans, imports) of MEDIA_ROOT, into one dated folder. docs/operations.md says how to run it.
#   DATABASE_URL=postgres://… MEDIA_ROOT=/app/var/media deploy/backup.sh /backups
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
destination="${1:?usage: backup.sh DESTINATION_FOLDER}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
folder="$destination/passerelle-$stamp"
mkdir -p "$folder"
pg_dump --format=custom --no-owner --no-privileges --file="$folder/database.dump" "$DATABASE_URL"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar --create --gzip --file="$folder/media.tar.gz" --directory="$MEDIA_ROOT" .
fi
(cd "$folder" && sha256sum -- * > SHA256SUMS)
echo "$folder"
