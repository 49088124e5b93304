"""What every benchmark in bench/ shares: the peer packages, the kcbx package built from this
checkout (cached by source hash), worker environments, peak memory, the machine, formatting."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from typing import Dict, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def ensure_peer_packages() -> None:
    missing = []
    for name in ("numpy", "pandas", "duckdb"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        print(f"setup: installing {' '.join(missing)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "duckdb", "pandas", "numpy"], check=True)


def source_stamp() -> str:
    """A hash of everything the kcbx package is built from."""
    h = hashlib.sha1()
    paths = []
    for top in ("Sources", "include"):
        for root, _, files in os.walk(os.path.join(REPO, top)):
            paths += [os.path.join(root, f) for f in files]
    paths += [os.path.join(REPO, "bindings", "python", "kcbx", f) for f in os.listdir(os.path.join(REPO, "bindings", "python", "kcbx"))
              if f.endswith(".py")]
    paths += [os.path.join(REPO, p) for p in ("Package.swift", "Package.resolved", "kcbx.map", "Makefile",
                                              "bindings/python/setup.py", "bindings/python/kcbx_build.py",
                                              "bindings/python/pyproject.toml")]
    for p in sorted(paths):
        if os.path.isfile(p):
            h.update(p.encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:12]


def kcbx_site(mode: str) -> Optional[str]:
    """A directory holding the kcbx package built from this checkout (cached by source hash), or
    None to use the installed one (`--kcbx installed`)."""
    if mode == "installed":
        return None
    cache = os.path.join(os.path.expanduser("~"), ".cache", "kcbx-bench")
    site = os.path.join(cache, f"site-{source_stamp()}")
    if os.path.isfile(os.path.join(site, "kcbx", "__init__.py")):
        return site
    print(f"setup: building the kcbx package from this checkout into {site} (make lib + cffi)", flush=True)
    tmp = site + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_ROOT_USER_ACTION="ignore")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", tmp,
                    os.path.join(REPO, "bindings", "python")], check=True, env=env, cwd=REPO)
    os.makedirs(cache, exist_ok=True)
    shutil.rmtree(site, ignore_errors=True)
    os.rename(tmp, site)
    # Keep the cache small, but not so small that a benchmark still running on an older build
    # loses its package: builds older than a day go.
    for old in os.listdir(cache):
        path = os.path.join(cache, old)
        if old.startswith("site-") and path != site and time.time() - os.path.getmtime(path) > 86_400:
            shutil.rmtree(path, ignore_errors=True)
    return site


def worker_env(site: Optional[str]) -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    if site:
        env["PYTHONPATH"] = site + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def proc_status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Resets VmHWM to the current RSS (Linux: `5` to /proc/self/clear_refs); best effort."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def machine() -> Dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    import duckdb
    import numpy
    import pandas
    info = {"cpu": cpu, "nproc": str(os.cpu_count()), "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "kernel": platform.release(), "python": platform.python_version(), "numpy": numpy.__version__,
            "pandas": pandas.__version__, "duckdb": duckdb.__version__,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        def dirty(*paths: str) -> bool:
            return bool(subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", *paths],
                                       capture_output=True, text=True).stdout.strip())
        info["commit"] = head + (" + uncommitted library changes" if dirty("Sources", "include") else "") \
            + (" + uncommitted Python package changes" if dirty("bindings/python/kcbx") else "")
    except OSError:
        info["commit"] = "unknown"
    return info


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def run_worker(script: str, label: str, args: "list[str]", site: Optional[str]) -> Dict[str, object]:
    """Runs `script --worker …` in its own process (its own peak RSS) and returns the JSON object
    printed on its last line; exits naming `label` with the worker's stderr when it fails."""
    import json
    print(f"  {label} …", flush=True)
    p = subprocess.run([sys.executable, script, "--worker", *args], capture_output=True, text=True, env=worker_env(site))
    if p.returncode != 0:
        sys.exit(f"{os.path.basename(script)}: {label} failed:\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])
