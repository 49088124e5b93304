"""The installed package: bundled library, ABI check, header-derived cdef, enum mirrors."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kcbx
from kcbx import _kcbx_cffi

PKG = Path(kcbx.__file__).resolve().parent
HEADER_TEXT = (Path(__file__).resolve().parents[3] / "include" / "kcbx.h").read_text(encoding="utf-8")


def test_imported_from_the_installation_not_the_source_tree():
    assert Path(__file__).resolve().parents[1] / "kcbx" != PKG


def test_version_is_the_library_version(repo):
    swift = (repo / "Sources" / "KCBXCore" / "Support" / "KCBXVersion.swift").read_text(encoding="utf-8")
    expected = re.search(r'kcbxVersion = "(.*)"', swift).group(1)
    assert kcbx.version() == expected == kcbx.__version__


def test_abi_version_matches_the_header():
    header_abi = int(re.search(r"#define KCBX_ABI_VERSION (\d+)", HEADER_TEXT).group(1))
    assert kcbx.abi_version() == _kcbx_cffi.lib.KCBX_ABI_VERSION == header_abi


def test_library_is_bundled_next_to_the_extension():
    bundled = PKG / "libkcbx.so.0"  # the SONAME the extension's DT_NEEDED names
    assert bundled.is_file() and not bundled.is_symlink()
    assert Path(_kcbx_cffi.__file__).resolve().parent == PKG


def test_the_bundled_library_is_the_one_loaded():
    with open("/proc/self/maps", encoding="utf-8") as maps:
        loaded = {line.split()[-1] for line in maps if "libkcbx" in line}
    assert loaded == {str(PKG / "libkcbx.so.0")}


@pytest.mark.skipif(shutil.which("ldd") is None, reason="no ldd")
def test_ldd_resolves_libkcbx_to_the_package_directory():
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    out = subprocess.run(["ldd", _kcbx_cffi.__file__], env=env, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if "libkcbx.so.0" in l)
    assert os.path.realpath(line.split("=>")[1].split("(")[0].strip()) == str(PKG / "libkcbx.so.0")


def test_imports_without_ld_library_path_from_another_directory():
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    out = subprocess.run([sys.executable, "-c", "import kcbx; print(kcbx.version())"],
                         cwd="/", env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == kcbx.version()


def test_import_fails_clearly_on_an_abi_mismatch():
    # Stand in for a library of another ABI: an extension whose kcbx_abi_version() answers 999.
    code = (
        "import sys, types\n"
        "fake = types.ModuleType('kcbx._kcbx_cffi')\n"
        "fake.ffi = None\n"
        "fake.lib = types.SimpleNamespace(kcbx_abi_version=lambda: 999, KCBX_ABI_VERSION=1)\n"
        "sys.modules['kcbx._kcbx_cffi'] = fake\n"
        "import kcbx\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "ABI version 999" in r.stderr and "KCBX_ABI_VERSION 1" in r.stderr


def test_every_header_function_is_in_the_extension():
    functions = re.findall(r"^extern [^;(]*?\b(kcbx_\w+)\s*\(", HEADER_TEXT, re.M)
    assert len(functions) >= 17
    missing = [f for f in functions if not hasattr(_kcbx_cffi.lib, f)]
    assert not missing, f"reinstall: the extension predates the header ({missing})"


MIRRORED = {  # the kcbx.h enum types kcbx/enums.py mirrors
    "kcbx_status": kcbx.Status, "kcbx_id_problem": kcbx.IdProblem, "kcbx_sex": kcbx.Sex,
    "kcbx_stage": kcbx.Stage, "kcbx_registry_kind": kcbx.RegistryKind,
    "kcbx_duration_unit": kcbx.DurationUnit, "kcbx_provenance": kcbx.Provenance,
}


@pytest.mark.parametrize("c_type", list(MIRRORED))
def test_enum_mirrors_its_header_enum(c_type):
    block = re.search(rf"typedef int32_t {c_type};\s*enum\s*\{{(.*?)\}};", HEADER_TEXT, re.S)
    assert block, f"{c_type} is no longer an enum in kcbx.h"
    prefix = c_type.upper() + "_"
    in_header = {n[len(prefix):] for n in re.findall(r"^\s*(KCBX_\w+)\s*=", block.group(1), re.M)}
    enum = MIRRORED[c_type]
    assert in_header == set(enum.__members__), f"update {enum.__name__} in kcbx/enums.py"
    for member in enum:
        assert member.value == getattr(_kcbx_cffi.lib, prefix + member.name)


def test_cdef_is_derived_from_the_header(repo):
    spec = importlib.util.spec_from_file_location("kcbx_build", repo / "bindings" / "python" / "kcbx_build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    cdef = build.header_to_cdef(HEADER_TEXT)
    assert "#define KCBX_ABI_VERSION ..." in cdef
    assert "typedef int32_t kcbx_status;" in cdef and "KCBX_STATUS_OK = 0," in cdef
    for unparsable in ("/*", "//", "#include", "#if", "#endif", 'extern "C"', "KCBX_H"):
        assert unparsable not in cdef
    assert "extern void kcbx_policy_free(kcbx_policy *policy);" in build.function_declarations(cdef)
