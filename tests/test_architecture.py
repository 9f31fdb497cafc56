"""The package layers of issue 15, checked by import-linter (the contract in pyproject.toml).

No package imports one above it: a new upward import fails here (CI runs the tests) and in
`make lint`, with the contract's name and the offending import in the message.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT = "FairPlanner layers: no package imports one above it"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the `fairplanner` package found in `cwd` (it puts cwd first on the
    path), with no cache written there."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layers_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_lists_every_layer_and_excludes_the_app_factory():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    members = [
        m.strip() for layer in contract["layers"] for m in layer.replace("|", ":").split(":")
    ]
    assert "fairplanner" not in members  # the app factory wires every layer
    assert members.index("fairplanner.demo") == 0
    order = ["registrations", "following", "accounts", "catalogue", "display"]
    assert [members.index(f"fairplanner.{name}") for name in order] == sorted(
        members.index(f"fairplanner.{name}") for name in order
    )
    packages = {
        p.stem if p.suffix == ".py" else p.name
        for p in (ROOT / "fairplanner").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert packages == {m.removeprefix("fairplanner.") for m in members}  # none left out


def test_an_upward_import_breaks_the_contract(tmp_path):
    """A copy of the package where the catalogue (low) imports the organizers (high)."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "fairplanner",
        tmp_path / "fairplanner",
        ignore=lambda folder, names: [  # the Python files only (no static files, catalogues)
            n
            for n in names
            if n == "__pycache__" or not (n.endswith(".py") or Path(folder, n).is_dir())
        ],
    )
    (tmp_path / "fairplanner" / "catalogue" / "upward.py").write_text(
        "from fairplanner.organizers import listing  # noqa: F401\n", encoding="utf-8"
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert CONTRACT in broken
    assert "fairplanner.catalogue is not allowed to import fairplanner.organizers" in broken
    assert "fairplanner.catalogue.upward -> fairplanner.organizers.listing" in broken
