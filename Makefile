# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := $(CURDIR)/demo.sqlite3
# `make demo PORT=8001` when 8000 is taken. The demo runs with debug off (config/settings/demo.py),
# and links in its emails use the address it serves on.
PORT ?= 8000
DEMO_URL := http://127.0.0.1:$(PORT)
DEMO_ENV := DJANGO_SETTINGS_MODULE=config.settings.demo DATABASE_URL=sqlite:///$(DEMO_DB) DJANGO_SITE_URL=$(DEMO_URL)

NODE_STAMP := node_modules/.installed
STATIC_BUILT := static/govuk/app.css

.PHONY: demo test venv static lint format clean mutation

venv: $(STAMP)

static: $(STATIC_BUILT)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to build the GOV.UK Frontend styles."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(STATIC_BUILT): $(NODE_STAMP) $(wildcard frontend/*.scss) frontend/build.mjs frontend/init.mjs
	npm run --silent build

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: venv static
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo ""
	@echo "Demo logins (demo only; password for all: demo-password-2017):"
	@echo "  inspector        Care Inspectorate Wales inspector"
	@echo "  wg-official      Welsh Government official"
	@echo "  powys-officer    Powys County Council officer"
	@echo "  cardiff-officer  Cardiff Council officer"
	@echo "  powys-leader     Leader of Powys County Council (a senior contact)"
	@echo "  powys-chief-executive  Powys chief executive (a senior contact)"
	@echo "  admin            administrator (Django admin)"
	@echo ""
	@echo "Serving on $(DEMO_URL)/ (admin: $(DEMO_URL)/admin/). Ctrl-C stops."
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# One worker per core; each test file stays on one worker (the browser journey is one long test).
test: venv static
	$(BIN)/python -m pytest -n auto --dist loadfile

# Mutation testing of the one place statuses are derived and of the working-day arithmetic, against
# their fast tests (pyproject.toml [tool.mutmut]). Fails unless at least 95% of mutants are killed
# (a mutant that makes the tests run forever counts as killed); survivors are printed.
mutation: venv
	rm -rf mutants
	$(BIN)/mutmut run > /dev/null 2>&1 || true
	$(BIN)/mutmut results --all true | $(BIN)/python -c "$$MUTATION_GATE"

define MUTATION_GATE
import sys
rows = [line.strip().rsplit(": ", 1) for line in sys.stdin if ": " in line]
caught = [name for name, status in rows if status in ("killed", "timeout")]
missed = [name for name, status in rows if status not in ("killed", "timeout")]
share = len(caught) / len(rows) if rows else 0.0
for name in missed:
    print("survived:", name)
print(f"{len(caught)} of {len(rows)} mutants killed ({share:.1%}); at least 95% needed.")
sys.exit(0 if rows and share >= 0.95 else 1)
endef
export MUTATION_GATE

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static demo.sqlite3 staticfiles .pytest_cache .ruff_cache mutants
