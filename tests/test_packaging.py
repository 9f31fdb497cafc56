"""The project's own packaging builds without deprecation or layout warnings (`make run`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version


def load(project_root: Path) -> dict:
    return tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_string_and_setuptools_understands_it(project_root):
    pyproject = load(project_root)
    # A TOML table ({text = "MIT"}) makes setuptools >= 77 print a deprecation notice.
    assert pyproject["project"]["license"] == "MIT"
    setuptools = next(
        Requirement(r)
        for r in pyproject["build-system"]["requires"]
        if Requirement(r).name == "setuptools"
    )
    assert Version("77") in setuptools.specifier
    assert not setuptools.specifier.contains("76.9")


def test_editable_install_uses_the_plain_path_file(project_root):
    # Declaring the project directory as the package root lets setuptools use a .pth file for
    # `pip install -e .` (the package directory *is* what is imported), instead of its import
    # finder and the "Please be careful with folders in your working directory" notice.
    assert load(project_root)["tool"]["setuptools"]["package-dir"] == {"": "."}
