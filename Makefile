# Passerelle: `make demo` runs the site with demo data, `make test` runs every check.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)-tools/bin/uv)

.PHONY: test-suite install demo test lint format run worker clean bench

$(VENV)-tools/bin/uv:
	python3 -m venv $(VENV)-tools
	$(VENV)-tools/bin/pip install --quiet uv==$(UV_VERSION)

# The packages are compiled to bytecode once, at install: every process of the suite (pytest's
# workers, the Celery workers it starts) would otherwise compile Django and the rest again where
# PYTHONDONTWRITEBYTECODE is set, as on this project's CI machines. The project's own modules are
# cached by the first process that imports them.
unexport PYTHONDONTWRITEBYTECODE

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --compile-bytecode --python python3.11
	touch $@

install: $(VENV)/.installed

# Embedded mode: SQLite, Celery tasks in-process, e-mails on the console.
demo: install
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Passerelle: http://127.0.0.1:$(PORT)/"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# bandit: the production code (devdata and tests are not deployed); a medium or high finding
# fails, and a `# nosec` says why on the line above.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r config web governance referrals beneficiaries partners core -ll

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The rest of the suite runs on every core (pytest-xdist, at most four workers: one Redis
# database each for the cache), a test file per worker at a time (module fixtures load once).
# PARALLEL= runs it in one process.
PARALLEL ?= -n auto --maxprocesses=4 --dist loadfile

# The checks and the whole suite. With DATABASE_URL and REDIS_URL set, it runs against PostgreSQL
# and Redis, and the tests that need a real Celery worker run too.
test: lint
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) test-suite

# The suite alone (CI's second pass, on SQLite, after `make test` checked the code once).
test-suite: install
	# The tests that drive real workers, Redis and SMTP servers (and stop some of them) run in a
	# process of their own, beside the rest (they mostly wait for their workers): the Celery
	# producer and the connections they leave behind never reach the rest of the suite, their
	# test database is their own and their Redis database (15) is not the cache's. Their output
	# follows the rest's. (Without DATABASE_URL and REDIS_URL they skip.)
	@mkdir -p var
	$(PY) -m pytest -m services $(PYTEST_ARGS) > var/services-tests.log 2>&1 & services=$$!; \
	$(PY) -m pytest -m "not services" $(PARALLEL) $(PYTEST_ARGS); rest=$$?; \
	wait $$services; services_status=$$?; \
	echo "== the services tests (real workers, Redis and SMTP servers), run beside the rest:"; \
	cat var/services-tests.log; \
	test $$rest -eq 0 -a $$services_status -eq 0

# The benchmark (bench/README.md): PostgreSQL on BENCH_DATABASE_SERVER (default
# postgres://postgres@127.0.0.1:5432), Redis on BENCH_REDIS_URL for the bilan's real worker.
# SCALE=department (default) or national (both scales, and the ratio between them).
SCALE ?= department
bench: install
	$(PY) -m bench $(SCALE)

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

clean:
	rm -rf $(VENV) $(VENV)-tools .pytest_cache .ruff_cache staticfiles
