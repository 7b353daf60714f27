# Pingshen — two commands do all set-up on a fresh Debian 12 machine with Swift 6.3:
#   make run    build, run a demo season on the embedded SQLite default and serve it on the web
#   make test   build and run every test, with the outside checks (LibreOffice, xmllint, zbarimg …),
#               then the browser test (headless Chromium on a demo server)
#   make load   release build, then wrk against the public pages of a demo server (not part of test)
# Both install missing system packages themselves (apt-get update first).

SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= out
APPLICATIONS ?= 200
SEED ?= 2026

# Libraries the build links against.
BUILD_DEBS := libxml2-dev libzip-dev libqrencode-dev libsqlite3-dev pkg-config
# Programs the tests use as outside checks.
TEST_DEBS := $(BUILD_DEBS) sqlite3 libxml2-utils zbar-tools poppler-utils libreoffice-writer-nogui fonts-noto-cjk python3-pip \
	chromium chromium-driver wrk
# Python modules, as `module` or `pip-name:module` where they differ (axe-selenium-python bundles
# axe-core, which the browser test runs on every page it visits).
PY_PACKAGES := jsonschema bagit selenium openpyxl aiosmtpd axe-selenium-python:axe_selenium_python
# The browser test's server: the debug build `swift build --build-tests` leaves (override to try another).
PINGSHEN_BIN ?= .build/debug/pingshen

.PHONY: run demo test browser-test fuzz-smoke load bench deps-build deps-test format clean

define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_DEBS))

deps-test: deps-build
	$(call apt_install,$(TEST_DEBS))
	@for p in $(PY_PACKAGES); do m=$${p#*:}; p=$${p%%:*}; python3 -c "import $$m" 2>/dev/null || python3 -m pip install --quiet $$p || python3 -m pip install --quiet --break-system-packages $$p; done

PORT ?= 8080

run: deps-build
	swift build -c release --product pingshen
	.build/release/pingshen serve --demo --out $(OUT)/demo --applications $(APPLICATIONS) --seed $(SEED) --port $(PORT)

demo: deps-build
	swift build -c release --product pingshen
	.build/release/pingshen demo --out $(OUT)/demo --applications $(APPLICATIONS) --seed $(SEED)

# The tests' temporary folders (Foundation's temporaryDirectory and Python's tempfile follow
# TMPDIR) go in one folder of the checkout, emptied before the run and removed after a green one:
# test runs never pile up gigabytes in /tmp (a failed run keeps its folder to look at).
TEST_TMP ?= $(CURDIR)/.build/test-tmp

test: deps-test
	swift build --build-tests
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) swift test --skip-build
	TMPDIR=$(TEST_TMP) PINGSHEN_BIN=$(PINGSHEN_BIN) python3 Tests/browser/run.py
	rm -rf $(TEST_TMP)
	$(MAKE) fuzz-smoke

# libFuzzer targets (Fuzz/, see scripts/fuzz.sh) built in their own scratch path (.build/fuzz), each
# run FUZZ_SECONDS over its committed corpus (Tests/Fuzz/corpus/); a crash, leak or hang fails.
FUZZ_SECONDS ?= 10
fuzz-smoke: deps-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# Headless Chromium through the public pages of `pingshen serve --demo`; screenshots and the
# server log in out/browser/. Uses an existing build: `make browser-test PINGSHEN_BIN=…`.
browser-test: deps-test
	PINGSHEN_BIN=$(PINGSHEN_BIN) python3 Tests/browser/run.py

# wrk against a release server on a demo database (see scripts/load.sh; LOAD_* variables there).
load: deps-build
	$(call apt_install,wrk)
	swift build -c release --product pingshen
	PINGSHEN_BIN=.build/release/pingshen scripts/load.sh

bench: deps-build
	swift build -c release --product pingshen-bench
	.build/release/pingshen-bench

format:
	swift-format format -i -r Sources Tests Package.swift

clean:
	rm -rf .build $(OUT)
