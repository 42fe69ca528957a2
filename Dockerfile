# syntax=docker/dockerfile:1
#
# Production image for the village service-center portal.
# One image serves three roles (see docker-compose.yml): web (gunicorn),
# worker (celery worker) and beat (celery beat).

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/media

# Unprivileged user that runs the app. /app belongs to it so that
# collectstatic can create STATIC_ROOT and uploads can go to /app/media.
RUN groupadd --system app \
 && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
RUN chown app:app /app

# 1) Dependencies only, from pyproject.toml's [project].dependencies, so this
#    layer stays cached while only the code changes. (psycopg2-binary ships
#    wheels: no system packages are needed.)
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb')).get('project', {}).get('dependencies', []); open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# 2) The project itself.
COPY --chown=app:app . .
RUN pip install . \
 && rm -rf build \
 && mkdir -p /app/media /app/backup-archives \
 && chown app:app /app/media /app/backup-archives

USER app

EXPOSE 8000
# Default command, for a single container: migrate (as DATABASE_OWNER_URL's role when set), then the web
# server. docker-compose.yml runs migrate as its own one-shot service, so that web, worker and beat never
# hold the owner's password, and replaces this command for each of them.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py collectstatic --noinput && exec gunicorn config.wsgi:application -b 0.0.0.0:8000 --workers 3 --access-logfile -"]
