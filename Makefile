# Parley: the commands a newcomer needs. Each target calls a script in scripts/.
#
#   make dev              run Parley on http://127.0.0.1:5000 with demo data and a
#                         local OpenID provider (PARLEY_PORT, PARLEY_DEMO_OP_PORT)
#   make test             the whole test suite on a temporary SQLite database
#   make test ARGS="-k sign_in -x"   ...with extra pytest arguments
#   make test-postgres    the same on PostgreSQL at 127.0.0.1:5432, database "test"
#                         (which the tests wipe)
#   make lint             ruff check + ruff format --check
#   make typecheck        mypy
#   make setup            only prepare .venv and the provider's node_modules
#   make clean            remove .venv, node_modules and caches (keeps instance/)

ARGS ?=
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help dev test test-postgres lint typecheck setup clean

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

dev:
	bash scripts/dev.sh $(ARGS)

test:
	bash scripts/test.sh $(ARGS)

test-postgres:
	PARLEY_TEST_DATABASE_URL='$(TEST_POSTGRES_URL)' bash scripts/test.sh $(ARGS)

lint:
	@bash scripts/setup.sh tools
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck:
	@bash scripts/setup.sh tools
	.venv/bin/mypy vrm

setup:
	@bash scripts/setup.sh dev

clean:
	rm -rf .venv tests/oidc_provider/node_modules .pytest_cache .ruff_cache .mypy_cache .hypothesis
