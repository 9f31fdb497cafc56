#!/bin/sh
# Restore a backup made by scripts/backup.sh into an EMPTY database, then bring its schema to
# this code's migrations and check that it is there.
#
# Usage: createdb fairplanner_restore
#        DATABASE_URL=postgresql://fairplanner@127.0.0.1/fairplanner_restore \
#        scripts/restore.sh /var/backups/fairplanner/fairplanner-20270510T021500Z.dump
#
# Refuses a database that holds any table, view or sequence (exit 3): it never writes over
# data. The restore is one transaction, so a failure leaves the database empty again. Objects
# are owned by the user of DATABASE_URL (--no-owner) and the source's GRANTs are not copied
# (--no-acl): the roles of the server the backup came from need not exist here.
set -eu

# die MESSAGE [EXIT_CODE]
die() { echo "restore: $1" >&2; exit "${2:-1}"; }

[ $# -eq 1 ] || die "usage: DATABASE_URL=postgresql://…/empty_database $0 BACKUP_FILE" 2
file="$1"
[ -f "$file" ] || die "$file: no such file" 2
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set" 2
for program in pg_restore psql; do
  command -v "$program" >/dev/null 2>&1 || die "$program is missing (apt-get install postgresql-client)"
done
root=$(cd "$(dirname "$0")/.." && pwd)
flask="${FLASK:-$root/.venv/bin/flask}"
[ -x "$flask" ] || flask=$(command -v flask) || die "flask is missing (make install)"

url=$(printf '%s' "$DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')
sql() { psql "$url" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }

pg_restore --list "$file" >/dev/null || die "$file is not a pg_dump custom-format archive"
database=$(sql "SELECT current_database()")
objects=$(sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'")
[ "$objects" -eq 0 ] || die "refusing: database $database is not empty ($objects tables, views or sequences)" 3

pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$url" "$file"
restored=$(sql "SELECT version_num FROM alembic_version")

# A backup from an older release gets this code's later migrations; one from a newer release
# (a revision this code does not know) fails here.
(cd "$root" && DATABASE_URL="$DATABASE_URL" "$flask" --app fairplanner db upgrade) ||
  die "flask db upgrade failed on the restored database"
current=$(sql "SELECT version_num FROM alembic_version")
heads=$(cd "$root" && DATABASE_URL="$DATABASE_URL" "$flask" --app fairplanner db heads | awk '{print $1}')
printf '%s\n' "$heads" | grep -qx "$current" ||
  die "the restored schema is at $current, this code's head is $heads"

counts=$(sql "SELECT count(*) || ' tables, ' || coalesce(sum(rows), 0) || ' rows' FROM (
  SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
    table_schema, table_name), false, true, '')))[1]::text::bigint AS rows
  FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE') t")
echo "restore: $file into $database: $counts; schema $restored -> $current (head)"
