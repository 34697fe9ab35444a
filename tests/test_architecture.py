"""The layers are a contract: `import-linter` checks that every import runs downward and that
no package's modules import each other in a cycle (``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=workdir,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(workdir)},
    )


def _copy_of_the_package(tmp_path: Path) -> Path:
    """The package's Python files in a folder of their own, to break on purpose."""
    shutil.copytree(
        ROOT / "factdb",
        tmp_path / "factdb",
        ignore=shutil.ignore_patterns("migrations", "__pycache__", "*.json", "*.toml"),
    )
    return tmp_path


def test_the_package_keeps_its_layers_and_has_no_import_cycles(tmp_path: Path) -> None:
    result = _lint(_copy_of_the_package(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def _lint_with(tmp_path: Path, module: str, import_line: str) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of the package in which `module` gains `import_line`."""
    work = _copy_of_the_package(tmp_path)
    path = work / "factdb" / module
    path.write_text(path.read_text() + f"\n{import_line}  # noqa\n")
    return _lint(work)


def test_an_upward_import_breaks_the_contract_and_is_named(tmp_path: Path) -> None:
    """The store importing matching (as deleting an article once did) is caught, with the
    offending import in the message."""
    result = _lint_with(tmp_path, "store/models.py", "from factdb.match import stories")
    assert result.returncode != 0
    assert "factdb.store is not allowed to import factdb.match" in result.stdout
    assert "factdb.store.models -> factdb.match.stories" in result.stdout


def test_a_cycle_inside_a_package_breaks_the_contract(tmp_path: Path) -> None:
    result = _lint_with(tmp_path, "store/driver.py", "from factdb.store import connect")
    assert result.returncode != 0
    assert "No cycles are allowed in factdb.store" in result.stdout
