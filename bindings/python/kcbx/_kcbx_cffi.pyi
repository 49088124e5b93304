# Types of the cffi extension kcbx_build.py generates: its ffi and lib are untyped (every C
# function and constant of include/kcbx.h is an attribute of lib).
from typing import Any

ffi: Any
lib: Any
