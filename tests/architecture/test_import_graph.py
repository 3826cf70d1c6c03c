"""The import graph: a service never imports another service, shared imports no service.

Only the top-level command line (``src/binrelay``) may import every service. This keeps each
service's image down to its own dependencies (the dispatcher and the senders without OpenCV,
numpy or lingua, which only the privacy filter and the classifier need).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SERVICES = {p.name: p.parent.parent.name for p in sorted(REPO.glob("services/*/src/binrelay_*")) if p.is_dir()}
"""Service package -> its service directory (binrelay_ingest -> ingest, ...)."""


def _imports(path: Path) -> set[str]:
    """Top-level package of every absolute import in a module (``import x.y``, ``from x.y import z``)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def test_the_service_packages_are_found() -> None:
    assert set(SERVICES) >= {"binrelay_ingest", "binrelay_classifier", "binrelay_privacy", "binrelay_dispatcher"}


def test_no_service_imports_another_service() -> None:
    """Given every module under services/*/src,
    when its imports are read (ast, including imports inside functions),
    then none names another service's package, nor the top-level command line (binrelay)."""
    wrong = []
    for package, service in SERVICES.items():
        for module in _modules(REPO / "services" / service / "src" / package):
            bad = {imp for imp in _imports(module) if (imp in SERVICES and imp != package) or imp == "binrelay"}
            wrong += [f"{module.relative_to(REPO)} imports {imp}" for imp in sorted(bad)]
    assert not wrong, "\n".join(wrong)


def test_shared_imports_no_service() -> None:
    """Given every module under shared/src,
    when its imports are read,
    then none names a service's package or the top-level command line."""
    wrong = []
    for module in _modules(REPO / "shared" / "src"):
        bad = {imp for imp in _imports(module) if imp in SERVICES or imp == "binrelay"}
        wrong += [f"{module.relative_to(REPO)} imports {imp}" for imp in sorted(bad)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", ["binrelay_dispatcher.service", "binrelay_dispatcher.cli", "binrelay_ingest.app"])
def test_a_service_loads_without_the_heavy_libraries_of_others(module: str) -> None:
    """Given a fresh interpreter,
    when the dispatcher's service module, its command-line module or ingest's app is imported,
    then OpenCV (cv2), numpy and lingua are not loaded (only the privacy filter and the classifier
    need them)."""
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "print(','.join(m for m in ('cv2', 'numpy', 'lingua') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env=os.environ.copy(), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{module} loaded {done.stdout.strip()}"
