"""Type-check the library packages as they are installed: under the ``jitjic`` namespace.

    python scripts/typecheck.py

The design card's folders (forecasting/, policy/, ...) install as ``jitjic.forecasting``,
``jitjic.policy``, ... through setuptools' package-dir mapping, which mypy cannot follow in a
checkout (an editable install maps them with an import hook). So the tree is mirrored as
``jitjic/<folder>`` with symbolic links in a temporary folder and mypy checks that, with the
settings of ``[tool.mypy]`` in pyproject.toml. Exit code: mypy's.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = config["tool"]["setuptools"]["package-dir"]  # jitjic.<name> -> folder
    checked = config["tool"]["mypy"]["packages"]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "jitjic"
        tree.mkdir()
        for path in (ROOT / "jitjic").iterdir():
            if path.suffix == ".py" or path.suffix == ".toml":
                (tree / path.name).symlink_to(path)
        for package, folder in mapped.items():
            (tree / package.removeprefix("jitjic.")).symlink_to(ROOT / folder, target_is_directory=True)
        args = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
        for package in checked:
            args += ["-p", package]
        return subprocess.run(args, cwd=tmp).returncode


if __name__ == "__main__":
    sys.exit(main())
