#!/bin/sh
# Back up the database: a pg_dump custom-format archive (compressed, restorable table by table
# with pg_restore) into BACKUP_DIR, keeping the newest BACKUP_KEEP of them.
#
# Usage: DATABASE_URL=postgresql://fairplanner@127.0.0.1/fairplanner \
#        BACKUP_DIR=/var/backups/fairplanner [BACKUP_KEEP=14] scripts/backup.sh
#
# Prints one line: the file, its size and the number of tables it holds. Exits non-zero, and
# leaves no file behind, when the dump fails. A password in DATABASE_URL can be seen in the
# process list while pg_dump runs: on a shared host, keep it in ~/.pgpass instead.
set -eu

die() { echo "backup: $*" >&2; exit 1; }

[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set"
[ -n "${BACKUP_DIR:-}" ] || die "BACKUP_DIR is not set"
keep="${BACKUP_KEEP:-14}"
case "$keep" in '' | *[!0-9]* | 0) die "BACKUP_KEEP must be a whole number of at least 1" ;; esac
command -v pg_dump >/dev/null 2>&1 || die "pg_dump is missing (apt-get install postgresql-client)"

# libpq takes postgresql:// and postgres://, not SQLAlchemy's postgresql+psycopg://.
url=$(printf '%s' "$DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')

umask 077 # the dump holds personal data: readable by this user only
mkdir -p "$BACKUP_DIR"
name="fairplanner-$(date -u +%Y%m%dT%H%M%SZ).dump"
file="$BACKUP_DIR/$name"
partial="$BACKUP_DIR/.$name.partial"
[ ! -e "$file" ] || die "$file exists already (one backup a second at most)"
trap 'rm -f "$partial"' EXIT

# Written under another name and renamed when complete: a file named fairplanner-*.dump is
# always a whole archive, even when the machine stops in the middle of a dump.
pg_dump --format=custom --file="$partial" --dbname="$url"
pg_restore --list "$partial" >/dev/null || die "the archive does not read back"
mv "$partial" "$file"
trap - EXIT

# The timestamps sort as text: keep the newest $keep archives.
ls "$BACKUP_DIR" | grep -E '^fairplanner-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r |
  tail -n +"$((keep + 1))" | while read -r old; do
  rm -f -- "$BACKUP_DIR/$old"
  echo "backup: removed $BACKUP_DIR/$old (keeping the newest $keep)"
done

size=$(wc -c <"$file" | tr -d ' ')
tables=$(pg_restore --list "$file" | grep -c ' TABLE DATA ' || true)
echo "backup: $file ($size bytes, $tables tables)"
