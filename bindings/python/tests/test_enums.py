"""The Python enums are generated from include/kcbx.h (bindings/python/gen_enums.py): the checked-in
kcbx/enums.py is current, every header constant has its member, and every value is the header's."""
from __future__ import annotations

import importlib.util
import re

from conftest import REPO

import kcbx
from kcbx import enums
from kcbx._native import lib


def _generator():
    spec = importlib.util.spec_from_file_location("gen_enums", REPO / "bindings" / "python" / "gen_enums.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_enums_module_is_generated_from_the_current_header():
    gen = _generator()
    header = (REPO / "include" / "kcbx.h").read_text(encoding="utf-8")
    checked_in = (REPO / "bindings" / "python" / "kcbx" / "enums.py").read_text(encoding="utf-8")
    assert checked_in == gen.render(header), "run `python3 bindings/python/gen_enums.py` (make header)"


def test_every_header_enum_constant_is_a_member_with_the_header_value():
    header = (REPO / "include" / "kcbx.h").read_text(encoding="utf-8")
    gen = _generator()
    parsed = gen.parse_enums(header)
    assert len(parsed) >= 20
    for c_name, _doc, members in parsed:
        cls = getattr(enums, gen.class_name(c_name))
        assert cls.__name__ in kcbx.__all__, f"kcbx.{cls.__name__} is not exported"
        assert len(cls) == len(members), c_name
        for constant, value, _ in members:
            member = cls[constant[len(f"KCBX_{c_name.upper()}_"):]]
            assert int(member) == value == getattr(lib, constant), constant


def test_classification_names_are_reexported_unchanged():
    from kcbx import classification
    for name in classification.__all__:
        assert getattr(kcbx, name) is getattr(classification, name), name
    assert kcbx.ChildStatus.SUSPECTED_DROPOUT.chinese == "疑似辍学"
    assert kcbx.MarkKind.parse("请假") is kcbx.MarkKind.APPROVED_LEAVE
    assert re.fullmatch(r"[A-T]", kcbx.Reason.T.letter)
