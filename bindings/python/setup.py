"""Builds the kcbx package: the Swift library (`make lib`), bundled as package data next to
the cffi extension, which finds it through rpath $ORIGIN (no LD_LIBRARY_PATH needed).

Run from the repository (in-tree): `python3 -m pip install ./bindings/python`.
"""
import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SONAME = "libkcbx.so.0"  # what the extension's DT_NEEDED names
# `make lib` writes to $OUT/lib (default out/lib), like the Makefile.
BUILT_LIB = os.path.join(REPO, os.environ.get("OUT", "out"), "lib", SONAME)
BUNDLED_LIB = os.path.join(HERE, "kcbx", SONAME)


def library_version() -> str:
    """The version of the Swift library (the same source the Makefile reads)."""
    with open(os.path.join(REPO, "Sources", "KCBXCore", "Support", "KCBXVersion.swift"), encoding="utf-8") as f:
        m = re.search(r'^public let kcbxVersion = "(.*)"', f.read(), re.M)
    if not m:
        raise RuntimeError("kcbxVersion not found in Sources/KCBXCore/Support/KCBXVersion.swift")
    return m.group(1)


_library_ready = False


def build_library() -> None:
    """Runs `make lib` once per build and copies the real library file (not the SONAME
    symlink) into the package as kcbx/libkcbx.so.0, stripped (what an installed package loads;
    out/lib keeps its symbol table for debugging)."""
    global _library_ready
    if _library_ready:
        return
    subprocess.run(["make", "-C", REPO, "lib"], check=True)
    if os.path.lexists(BUNDLED_LIB):
        os.remove(BUNDLED_LIB)
    shutil.copyfile(os.path.realpath(BUILT_LIB), BUNDLED_LIB)
    os.chmod(BUNDLED_LIB, 0o755)
    if shutil.which("strip"):
        subprocess.run(["strip", "--strip-unneeded", BUNDLED_LIB], check=True)
    _library_ready = True


class BuildPy(build_py):
    def run(self):
        build_library()  # before package data is collected
        super().run()


class BuildExt(build_ext):
    def run(self):
        build_library()  # the extension links against out/lib/libkcbx.so
        super().run()


setup(
    version=library_version(),
    packages=["kcbx"],
    package_data={"kcbx": ["py.typed", "_kcbx_cffi.pyi", SONAME]},
    include_package_data=False,
    zip_safe=False,
    cffi_modules=["kcbx_build.py:ffibuilder"],
    cmdclass={"build_py": BuildPy, "build_ext": BuildExt},
    # cffi builds the extension on the limited API (kcbx/_kcbx_cffi.abi3.so): one wheel,
    # tagged cp39-abi3, serves CPython 3.9 and every later version.
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
