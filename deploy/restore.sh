#!/usr/bin/env bash
# Restores a backup made by backup.sh into an EMPTY database (create it first) and MEDIA_ROOT.
#   DATABASE_URL=postgres://…/passerelle_restored MEDIA_ROOT=/app/var/media deploy/restore.sh /backups/passerelle-…
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
folder="${1:?usage: restore.sh BACKUP_FOLDER}"
(cd "$folder" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$folder/database.dump"
if [ -f "$folder/media.tar.gz" ]; then
  : "${MEDIA_ROOT:?set MEDIA_ROOT to restore the stored files}"
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$folder/media.tar.gz" --directory="$MEDIA_ROOT"
fi
echo "restored $folder"
