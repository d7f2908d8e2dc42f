#! /usr/bin/env nix-shell
#! nix-shell -i bash
#! nix-shell --pure --keep PGHOST --keep PGUSER --keep PGPASSWORD --keep BACKUP_BUCKET
#! nix-shell -p postgresql_16
#! nix-shell -p gzip awscli2 coreutils
#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz
#! nixpod kind=cronjob schedule="0 3 * * *" memory=256Mi
#! nixpod env=BACKUP_BUCKET=nightly-dumps
# Dump every database to a gzipped file in object storage.
# --pure: only the variables named with --keep reach the script.
set -euo pipefail

stamp=$(date -u +%Y%m%dT%H%M%SZ)
for db in $(psql -At -c "SELECT datname FROM pg_database WHERE NOT datistemplate"); do
  echo "backing up $db"
  pg_dump --no-owner "$db" | gzip -9 | aws s3 cp - "s3://${BACKUP_BUCKET}/${db}/${stamp}.sql.gz"
done
