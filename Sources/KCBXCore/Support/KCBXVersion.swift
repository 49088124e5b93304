/// The KCBX version (semantic versioning): the one place it is written. The library
/// (`kcbx_version()`), `kcbx --version`, the Python wheel, the Debian packages and kcbx.pc all
/// read it (the Makefile and bindings/python/setup.py take it from this line; `make
/// test-version` checks that they agree).
public let kcbxVersion = "0.3.0"
