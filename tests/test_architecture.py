"""Data flows one way: ingest -> warehouse -> forecasting -> classification -> policy -> reports.

Only flows/ imports prefect; library packages never import the layers above them.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["ingest", "warehouse", "forecasting", "classification", "policy", "replay", "reports"]
PURE = {"forecasting", "classification", "policy", "replay", "reports"}  # DataFrames in, DataFrames out
PROJECT = set(LAYERS) | {"flows", "jitjic", "sql"}


def _folder_name(module: str) -> str:
    """``jitjic.forecasting.auto`` -> ``forecasting.auto``: the design card's folders install
    under the jitjic namespace; the layers are the folders."""
    head, _, rest = module.partition(".")
    return rest if head == "jitjic" and rest.split(".")[0] in PROJECT - {"jitjic"} else module


def imports_of(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "jitjic":  # from jitjic import forecasting
                    names |= {f"jitjic.{a.name}" for a in node.names}
                else:
                    names.add(node.module)
        found[str(path.relative_to(ROOT))] = {_folder_name(n) for n in names}
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_library_imports_only_lower_layers(package):
    allowed = set(LAYERS[: LAYERS.index(package) + 1])
    for path, names in imports_of(package).items():
        tops = {n.split(".")[0] for n in names}
        assert not tops & {"prefect", "flows", "jitjic"}, f"{path} imports the orchestration layer"
        wrong = (tops & PROJECT) - allowed
        assert not wrong, f"{path} imports {wrong}, which come later in the data flow"
        if package in PURE:
            assert "duckdb" not in tops, f"{path} does I/O; library code here is pure"


def test_only_flows_import_prefect():
    for package in sorted(PROJECT - {"flows"}):
        for path, names in imports_of(package).items():
            assert not any(n.split(".")[0] == "prefect" for n in names), f"{path} imports prefect"
    assert any("prefect" in n for names in imports_of("flows").values() for n in names)


def test_settings_layer_does_not_reach_up():
    for path, names in imports_of("jitjic").items():
        if path.endswith("cli.py"):
            continue
        assert not any(n.split(".")[0] == "flows" for n in names), f"{path} imports flows"
    for path, names in imports_of("flows").items():
        assert "jitjic.cli" not in names, f"{path} imports the CLI"


def test_cli_import_does_not_load_prefect():
    code = "import sys, jitjic.cli; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_policy_is_a_leaf_of_inventory_logic():
    """The replay composes forecasting, classification and policy; policy itself uses none of them."""
    for path, names in imports_of("policy").items():
        tops = {n.split(".")[0] for n in names}
        assert not tops & {"forecasting", "classification", "replay"}, f"{path} reaches beyond inventory logic"
    assert any(
        {"forecasting", "classification", "policy"} <= {n.split(".")[0] for n in names}
        for names in imports_of("replay").values()
    )


# a statement's opening words, in a string literal: what the warehouse alone may say to DuckDB
_SQL = re.compile(
    r"^\s*(select\s.+\sfrom\s|insert\s+(or\s+replace\s+)?into\s|update\s+\w+\s+set\s|delete\s+from\s"
    r"|create\s+(or\s+replace\s+)?(table|view)\s|with\s+(recursive\s+)?\w+(\s*\([^)]*\))?\s+as\s*\("
    r"|(alter|drop)\s+(table|view)\s|copy\s.+\sto\s|attach\s)",
    re.I | re.S,
)
# where SQL text may live: the sql/ files and the warehouse functions that run them; analysts'
# own statements pass through `jitjic sql` as data, not as text of ours. Checked: every installed
# package; not checked: benchmarks/, scripts/ and docs/, tools run by hand that query results
# the way an analyst would
SQL_HOMES = {"warehouse", "sql"}


def _text_of(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with each placeholder as ``x``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
    return None


def test_sql_text_lives_only_in_the_warehouse():
    """One place owns the SQL: a statement written anywhere else (flows, the CLI, the reports,
    the library) is a second copy of the schema's knowledge that drifts."""
    found = []
    for package in PROJECT - SQL_HOMES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = _text_of(node)
                if text is not None and _SQL.match(text):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text.strip()[:60]!r}")
    assert not found, "SQL outside sql/ and warehouse/:\n" + "\n".join(found)


def test_flow_tasks_take_their_stage_not_the_settings():
    """The settings are resolved once at flow start (flows.stages.resolve); a task given the
    whole Settings would wire them again, and its stage could read any other stage's keys."""
    tree = ast.parse((ROOT / "flows" / "nightly.py").read_text(encoding="utf-8"))
    tasks = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any("task" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert len(tasks) >= 12
    wide = [
        f"{t.name}({a.arg}: {ast.unparse(a.annotation)})"
        for t in tasks
        for a in t.args.args
        if a.annotation is not None and ast.unparse(a.annotation) == "Settings"
    ]
    assert not wide, f"tasks still taking the whole settings: {wide}"


def test_no_generic_top_level_package_is_imported():
    """Installed, the project's folders live under ``jitjic.``: code importing a bare
    ``reports`` or ``sql`` would take whatever else of that name the environment has."""
    code = (
        "import sys, jitjic.cli, jitjic.flows.nightly, jitjic.replay; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(PROJECT - {'jitjic'})!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("package", sorted(PROJECT - {"sql"}))
def test_every_exported_name_exists(package):
    """A name in a package's ``__all__`` that it does not define fails only when someone uses it."""
    import importlib

    module = importlib.import_module("jitjic" if package == "jitjic" else f"jitjic.{package}")
    assert not [n for n in getattr(module, "__all__", []) if not hasattr(module, n)]
