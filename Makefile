# KCBX build, install and test entry points. `make help` lists them.
SHELL := /bin/bash
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^public let kcbxVersion = "\(.*\)"/\1/p' Sources/KCBXCore/Support/KCBXVersion.swift)
SWIFT_USR := $(shell dirname $$(dirname $$(readlink -f $$(command -v swiftc))))
# SCRATCH / OUT can be set (environment or command line) so that several checkouts or
# people build side by side without sharing SwiftPM's build lock.
SCRATCH ?= .build
OUT ?= out
LIBDIR := $(OUT)/lib
SONAME := libkcbx.so.0
LIB := $(LIBDIR)/libkcbx.so.$(VERSION)
CFLAGS_STRICT := -Wall -Wextra -pedantic -Werror
# libkcbx.so is made of the objects SwiftPM lists for the `kcbx` product (CInterface and what it
# depends on: stale objects of moved or deleted sources are not picked up).
# Foundation (GRDB uses it; KCBXCore itself needs only FoundationEssentials) linked statically
# with what it needs. The generator (KCBXSynthesis) is the CLI's only: not in the library.
FOUNDATION_STATIC := -lFoundation -lFoundationInternationalization -lFoundationEssentials -lCoreFoundation \
  -l_FoundationICU -l_FoundationCollections -l_FoundationCShims -lswiftDispatch -ldispatch -lBlocksRuntime \
  -lswiftSynchronization -lswift_RegexParser -lswift_StringProcessing

.PHONY: help deps cli lib header check-header install test test-swift test-c test-python test-cli python demo bench clean \
  size wheel test-wheel deb test-deb test-version version lint-python lint-swift format bench-ledger deps-test

help:
	@echo "make lib           release libkcbx.so (static Swift stdlib, kcbx_* exports only, SONAME $(SONAME))"
	@echo "make header        regenerate include/kcbx.h from the Swift sources"
	@echo "make install PREFIX=/usr/local   header, library with SONAME links, pkg-config file"
	@echo "make demo          build everything and run the main job on the sample data"
	@echo "make lint-python   ruff and pyright (strict) on the Python package"
	@echo "make lint-swift    swift-format (.swift-format) finds nothing to change in the Swift sources"
	@echo "make format        reformat the Swift sources in place with swift-format"
	@echo "make wheel         dist/kcbx-$(VERSION)-cp39-abi3-manylinux_*.whl (no Swift needed to install it)"
	@echo "make deb           dist/libkcbx0, libkcbx-dev, kcbx-tools _$(VERSION)-1_*.deb"
	@echo "make size          what each part of libkcbx.so costs (docs/size.md)"
	@echo "make test          Python linters, Swift, header, C (under valgrind), Python, CLI, wheel and deb tests"
	@echo "make bench         every benchmark against pandas and DuckDB, gathered in bench/RESULTS.md"
	@echo "make bench-ledger  the ledger's CLI at 50,000 children against a plain sqlite3 script (BENCH_CHILDREN=1000000 for a city)"

# The release library: SwiftPM compiles; we link so that the Swift runtime is static,
# only kcbx_* is exported (kcbx.map) and the SONAME is set. Unreferenced sections are dropped
# (--gc-sections); the symbol table stays (valgrind's suppressions name functions): the wheel and
# the Debian packages ship it stripped. The linker's map (libkcbx.map) feeds `make size`.
lib: $(LIB)
$(LIB): $(shell find Sources -name "*.swift") Package.swift kcbx.map Makefile
	swift build -c release --product kcbx --scratch-path $(SCRATCH)
	@mkdir -p $(LIBDIR)
	swiftc -emit-library -static-stdlib -use-ld=lld -o $@ \
	  @$(SCRATCH)/release/kcbx.product/Objects.LinkFileList \
	  -Xlinker -L$(SWIFT_USR)/lib/swift_static/linux \
	  -Xlinker --version-script=$(CURDIR)/kcbx.map -Xlinker -soname=$(SONAME) -Xlinker --no-undefined -Xlinker --strip-debug \
	  -Xlinker --gc-sections -Xlinker -Map=$(LIBDIR)/libkcbx.map \
	  $(FOUNDATION_STATIC) -lsqlite3
	ln -sf libkcbx.so.$(VERSION) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libkcbx.so

header:
	python3 scripts/gen_header.py
	python3 bindings/python/gen_enums.py

check-header:
	python3 scripts/gen_header.py --check
	python3 bindings/python/gen_enums.py --check

install: lib
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/kcbx.h $(DESTDIR)$(PREFIX)/include/kcbx.h
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libkcbx.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libkcbx.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$${prefix}/lib|' -e 's|@VERSION@|$(VERSION)|' kcbx.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/kcbx.pc

# The CLI, installed in out/bin as `kcbx`: the Swift runtime and Foundation linked in, so that it
# runs without the toolchain (kcbx-tools ships it).
# SwiftPM compiles (the same objects as the library's: no second build); we link like the library.
cli:
	swift build -c release --product kcbx-tool --scratch-path $(SCRATCH)
	@mkdir -p $(OUT)/bin
	swiftc -emit-executable -static-stdlib -use-ld=lld -o $(OUT)/bin/kcbx \
	  @$(SCRATCH)/release/kcbx-tool.product/Objects.LinkFileList \
	  -Xlinker -L$(SWIFT_USR)/lib/swift_static/linux -Xlinker --gc-sections -Xlinker --strip-debug \
	  -Xlinker --defsym -Xlinker main=KCBXTool_main $(FOUNDATION_STATIC) -lsqlite3

deps:
	@bash scripts/ensure-deps.sh

# The tests also print workbooks to PDF (LibreOffice, poppler: test_supervision.py), so `make test`
# installs those too (about 3 minutes on a fresh machine).
deps-test:
	@KCBX_PDF=1 bash scripts/ensure-deps.sh

demo: deps lib cli
	bash scripts/demo.sh

test: deps-test lint-python lint-swift test-swift check-header test-c test-python test-cli test-wheel test-deb test-version fuzz-smoke

test-swift:
	swift test --scratch-path $(SCRATCH)

test-c: lib
	bash Tests/c/run.sh

test-cli: cli
	KCBX=$(OUT)/bin/kcbx bash Tests/cli/run.sh

test-python: lib
	bash bindings/python/run-tests.sh

# ruff on the Python package, its tests and build scripts; pyright strict on the package
# (configuration in bindings/python/pyproject.toml; scripts/ensure-deps.sh installs both).
PYTHON ?= python3
lint-python:
	cd bindings/python && $(PYTHON) -m ruff check . && $(PYTHON) -m pyright

# swift-format (in the Swift toolchain) with the repository's .swift-format: 4-space indent,
# 140 columns; the C ABI's snake_case names are exempt from the naming rules (they are its spelling).
SWIFT_FORMAT_PATHS := Package.swift Sources Tests fuzz
lint-swift:
	swift format lint --strict --recursive --parallel $(SWIFT_FORMAT_PATHS)
format:
	swift format --in-place --recursive --parallel $(SWIFT_FORMAT_PATHS)
# --- shipping (docs/packaging.md) -------------------------------------------------------------
DIST ?= dist
version:
	@echo $(VERSION)

# What each part of the library costs, from the linker's map; and the stripped size (what ships).
size: lib
	@python3 scripts/size_report.py $(LIBDIR)/libkcbx.map --top 10
	@strip --strip-all -o $(LIBDIR)/libkcbx.stripped.so $(LIB) && \
	  echo "libkcbx.so.$(VERSION): $$(stat -c %s $(LIB)) bytes; stripped $$(stat -c %s $(LIBDIR)/libkcbx.stripped.so) bytes" && \
	  rm -f $(LIBDIR)/libkcbx.stripped.so

# One wheel for CPython >= 3.9 (cffi's extension on the limited API: abi3) with libkcbx.so.0
# inside; auditwheel checks the manylinux tag and bundles libsqlite3 (outside the policy).
wheel: lib
	rm -rf $(OUT)/wheel && mkdir -p $(DIST) $(OUT)/wheel
	rm -f $(DIST)/kcbx-*.whl
	$(PYTHON) -m pip wheel -q --no-deps -w $(OUT)/wheel ./bindings/python
	PATH="$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$$PATH" \
	  $(PYTHON) -m auditwheel repair -w $(DIST) $(OUT)/wheel/kcbx-$(VERSION)-*.whl
	@ls $(DIST)/kcbx-$(VERSION)-*.whl

# Installs the wheel into fresh venvs with no toolchain and no compiler and runs a smoke test.
test-wheel: wheel
	PYTHON=$(PYTHON) bash packaging/wheel/test.sh $(VERSION) $(DIST)

# libkcbx0, libkcbx-dev and kcbx-tools (dpkg-deb; Depends from dpkg-shlibdeps).
deb: lib cli
	bash packaging/deb/build.sh $(VERSION) $(LIB) $(OUT)/bin/kcbx $(DIST)

# Installs them into an empty root and builds and runs a C host against them with pkg-config.
test-deb: deb
	bash packaging/deb/test.sh $(VERSION) $(DIST)

# One version: the library, the CLI, kcbx.pc, the wheel and the packages all say $(VERSION).
test-version: cli
	bash packaging/test-version.sh $(VERSION) $(OUT)/bin/kcbx

# Every benchmark (classification, ledger, reconciliation) → bench/RESULTS.md; about 40 minutes.
bench: deps lib cli  # BENCH_CHILDREN="50000 1000000" adds a city to the ledger CLI run
	python3 bench/suite.py

# The ledger command by command against the floor (bench/ledger_floor.py), then RESULTS.md again.
BENCH_CHILDREN ?= 50000
bench-ledger: cli
	python3 bench/ledger_cli.py $(foreach n,$(BENCH_CHILDREN),--children $(n))
	python3 bench/suite.py --gather

# libFuzzer harnesses over every parser (fuzz/README.md): FUZZ_SECONDS per harness; crashes in fuzz/crashes/.
FUZZ_SECONDS ?= 600
.PHONY: fuzz fuzz-smoke sanitize
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

# A short run of each harness (part of `make test`); the instrumented build is cached in fuzz/.build.
fuzz-smoke:
	bash fuzz/run.sh 15

# The Swift tests under AddressSanitizer and ThreadSanitizer (separate scratch paths; the header
# test reads the modules of its own build; suppressions in Tests/sanitizers).
sanitize:
	KCBX_HEADER_SCRATCH=$(CURDIR)/.build-asan LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp \
	  swift test --sanitize=address --scratch-path .build-asan
	KCBX_HEADER_SCRATCH=$(CURDIR)/.build-tsan \
	  swift test --sanitize=thread --scratch-path .build-tsan

clean:
	rm -rf $(OUT) $(DIST) .build .build-header bindings/python/build
