"""What this machine offers the workbench: one row per component, with the fix when missing."""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import shutil
import subprocess
from dataclasses import asdict, dataclass

from axiomforge.lean.toolchain import find_lean_toolchain


@dataclass(frozen=True)
class Component:
    name: str
    available: bool
    version: str
    used_for: str
    fix: str


_CORE_PACKAGES = [
    ("lark", "MPL and RASP grammars"),
    ("networkx", "proof and program graphs"),
    ("z3-solver", "SMT certification (MBA)"),
    ("sympy", "algebra"),
    ("torch", "compiled RASP models"),
    ("safetensors", "model files"),
    ("jinja2", "HTML proof sites and reports"),
    ("rich", "tables and progress"),
    ("matplotlib", "plots"),
]

_OPTIONAL_PACKAGES = [
    ("bitwuzla", "bitwuzla", "SMT comparison (MBA benchmark)", "pip install -e '.[dev]'"),
    ("lean-dojo", "lean_dojo", "LeanDojo prover plugin", "pip install -e '.[leandojo]' (needs a Lean toolchain)"),
    ("tracr-pypi", "tracr", "RASP comparison against tracr", "pip install -e '.[compare]'"),
    ("transformer-lens", "transformer_lens", "HookedTransformer export", "pip install -e '.[interp]'"),
    ("playwright", "playwright", "browser tests of HTML sites", "pip install -e '.[dev]'"),
]


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except Exception:
        return False
    return True


def _torch_build() -> Component:
    try:
        import torch
    except Exception:
        return Component("torch build", False, "", "compiled RASP models", "bash scripts/setup.sh")
    cuda = torch.version.cuda
    build = f"CUDA {cuda}" if cuda else "CPU"
    gpu = torch.cuda.is_available() if cuda else False
    return Component(
        "torch build", True, f"{build}{', GPU visible' if gpu else ''}", "compiled RASP models", ""
    )


def _z3() -> Component:
    try:
        import z3

        return Component("z3", True, z3.get_version_string(), "SMT certification", "")
    except Exception:
        return Component("z3", False, "", "SMT certification", "pip install z3-solver")


def _lean() -> Component:
    toolchain = find_lean_toolchain()
    if toolchain is None:
        return Component(
            "lean toolchain",
            False,
            "",
            "checking proofs of Lean challenges",
            "install elan + a Lean 4 toolchain, or set AXIOMFORGE_LEAN to a lean binary",
        )
    lake = "lake found" if toolchain.lake else "no lake"
    return Component("lean toolchain", True, f"{toolchain.version} ({toolchain.lean}; {lake})", "checking proofs", "")


def _chromium() -> Component:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            try:
                out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
            except (OSError, subprocess.TimeoutExpired):
                out = ""
            return Component("chromium", True, out.strip() or path, "browser tests of HTML sites", "")
    return Component("chromium", False, "", "browser tests of HTML sites", "apt-get install chromium")


def collect_components() -> list[Component]:
    rows = [Component("python", True, platform.python_version(), "everything", "")]
    for dist, used_for in _CORE_PACKAGES:
        version = _version(dist)
        rows.append(Component(dist, version is not None, version or "", used_for, "" if version else "bash scripts/setup.sh"))
    rows.append(_torch_build())
    rows.append(_z3())
    for dist, module, used_for, fix in _OPTIONAL_PACKAGES:
        version = _version(dist)
        ok = version is not None and _importable(module)
        rows.append(Component(dist, ok, version or "", used_for, "" if ok else fix))
    rows.append(_lean())
    rows.append(_chromium())
    rows.extend(_bench_backends())
    return rows


def _bench_backends() -> list[Component]:
    """The benchmark's provers and checkers, as the bench package itself sees them."""
    from axiomforge.bench.plugins import available_backends

    return [Component(b.name, b.available, b.version, b.used_for, b.fix) for b in available_backends()]


def components_as_json(rows: list[Component]) -> list[dict[str, object]]:
    return [asdict(row) for row in rows]
