# make run   - create .venv, install, start the app on the bundled sample data
# make test  - install test requirements (and Debian chromium and its headless shell, CJK fonts, nginx, openssl,
#              systemd-analyze, LibreOffice and poppler when root), run the suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test deps lint system-deps sample bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# FORWARDED_ALLOW_IPS empty, as in deploy/systemd/kpi.service: the app alone decides whose X-Forwarded-For counts.
run: $(VENV)/.runtime
	FORWARDED_ALLOW_IPS= $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Browser and server tests use Debian's packages only: chromium and fonts-noto-cjk render the exports, and
# chromium-headless-shell (the same build without the browser's window; 64 MB) the pages (never a downloaded
# browser); nginx and openssl put the app behind HTTPS (tests/test_server.py); systemd brings
# systemd-analyze, which checks the units in deploy/systemd/. nginx is installed, never started as the system's
# service (a policy-rc.d says no while it installs), so `make test` opens no port. LibreOffice (Writer and Impress,
# without their GUI) and poppler render the exported .docx and .pptx to PDF and their pages to text and pictures
# (tests/test_documents.py); about 91 MB to download, 14-20 s to unpack here.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/chromium-headless-shell ] || missing="$$missing chromium-headless-shell"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -x /usr/bin/openssl ] || missing="$$missing openssl"; \
	[ -x /usr/bin/systemd-analyze ] || missing="$$missing systemd"; \
	dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	dpkg -s libreoffice-impress-nogui >/dev/null 2>&1 || missing="$$missing libreoffice-impress-nogui"; \
	[ -x /usr/bin/pdftotext ] && [ -x /usr/bin/pdftoppm ] || missing="$$missing poppler-utils"; \
	if [ -z "$$missing" ]; then \
		echo "chromium, its headless shell, Noto CJK fonts, nginx, openssl, systemd-analyze, LibreOffice and poppler are installed"; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "installing from Debian:$$missing"; \
		blocker=""; \
		if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
			chmod +x /usr/sbin/policy-rc.d; blocker=yes; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$$missing > /dev/null; status=$$?; \
		if [ -n "$$blocker" ]; then rm -f /usr/sbin/policy-rc.d; fi; \
		exit $$status; \
	else \
		echo "Browser and server tests need: sudo apt-get install$$missing"; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

# Two workers a core: a browser test's worker mostly waits on its app server and chromium, so with one a core the
# cores sat half idle. A test file stays on one worker (its module fixtures are built once), except the browser files
# whose tests each open their own pages, which go out a test at a time; each worker has one app server and one
# chromium for the browser files. The work goes out in the order tests/conftest.py puts it (the longest first), not
# xdist's largest-file-first (tests/conftest.py: pytest_xdist_make_scheduler, LONGEST_FIRST).
# The Python packages and the Debian ones download and unpack at the same time (both mostly wait on the network).
deps:
	$(MAKE) --no-print-directory -j2 $(VENV)/.dev system-deps

# lib/, pages/ and app.py compiled once first, as pip compiles what it installs: every app server, command and sandbox
# worker the suite starts imports them (with PYTHONDONTWRITEBYTECODE set, each compiled them again). pytest keeps the
# test modules it rewrites for their asserts only where bytecode may be written: without it each worker rewrote all
# of them (a worker's collection 4.6 s of CPU against 2.1).
test: deps lint
	$(PY) -m compileall -q -j 0 lib pages app.py > /dev/null
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -rs -n $$(( 2 * $$(nproc) )) --dist loadfile --no-loadscope-reorder

bench: deps
	$(PY) bench/run.py

sample: $(VENV)/.runtime
	$(PY) scripts/make_sample_data.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
