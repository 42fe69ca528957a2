# The two commands a newcomer needs: `make run` (demo portal) and `make test` (whole suite).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test install system-deps services lint deploy-check worker beat messages mutation fuzz

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Embedded PostgreSQL (unless DATABASE_URL is set), tasks in-process, demo county, server on :8000.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Debian packages the browser tests need (Chromium and CJK fonts), installed when missing.
system-deps:
	@if ! test -x /usr/bin/chromium || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# PostgreSQL and Redis on 127.0.0.1, started when they are not answering.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "PostgreSQL or Redis did not start"; exit 1

# ruff (lint and format), the import contracts of pyproject.toml, and no model change without a migration.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres $(PY) manage.py makemigrations --check --dry-run

# The Chinese catalog for third-party strings (locale/); the compiled .mo is committed, so only after editing the .po.
messages:
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

deploy-check: install
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 32) \
	DJANGO_ALLOWED_HOSTS=portal.example.cn DATABASE_URL=postgres://portal_app@127.0.0.1:5432/portal \
	DATABASE_OWNER_URL=postgres://postgres@127.0.0.1:5432/portal \
	REDIS_URL=redis://127.0.0.1:6379/0 $(PY) manage.py check --deploy --fail-level WARNING

test: install system-deps services lint deploy-check
	$(VENV)/bin/pytest --create-db

# Mutation testing of the rule modules with mutmut (docs/mutation.md), one module at a time with the tests
# that cover it; prints each module's score and fails below the goal. Slow: not part of `make test` or CI.
# `make mutation MODULES="regions/scoping.py core/personal_data.py"` picks modules ([tool.mutation.modules]).
MODULES ?=
mutation: install services
	nice -n 10 $(PY) tools/mutation.py $(MODULES)

# The input fuzz test (tests/test_fuzz_inputs.py) with many more examples per URL than `make test` runs, and
# random (not derandomized) ones: every URL of the permission matrix, as every role. About an hour on 2 CPUs.
fuzz: install services
	HYPOTHESIS_PROFILE=fuzz nice -n 10 $(VENV)/bin/pytest -p no:randomly tests/test_fuzz_inputs.py

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler
