# make run   - create .venv, install, start the app on the bundled sample data
# make test  - install test requirements (and Debian chromium + CJK fonts when root), run the suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint system-deps sample bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Browser tests drive Debian's chromium (never a downloaded one); fonts-noto-cjk renders Chinese.
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		echo "chromium and Noto CJK fonts are installed"; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-noto-cjk; \
	else \
		echo "Browser tests need: sudo apt-get install chromium fonts-noto-cjk"; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

test: $(VENV)/.dev system-deps lint
	$(PY) -m pytest -q -rs

bench: $(VENV)/.dev system-deps
	$(PY) bench/run.py

sample: $(VENV)/.runtime
	$(PY) scripts/make_sample_data.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
