#!/bin/sh
# Run by the postgres image once, on its first start with an empty volume (/docker-entrypoint-initdb.d):
# creates the app role that web, worker and beat log in as. It owns nothing; `manage.py migrate`, run by the
# migrate service as POSTGRES_USER (the owner of every table), grants it what it may do
# (audit/database_roles.py). On a volume made before this script existed, migrate creates the role.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_user="$POSTGRES_APP_USER" -v app_password="$POSTGRES_APP_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT',
              :'app_user', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'app_user') \gexec
SQL
