"""The package's layout holds: the spider imports no backend, private API stays in ``compat/``,
defaults live in ``settings.py`` only, the package holds no farm and the commands still run."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "blogtitles"
#: Settings readers whose second argument would be a default of their own.
READERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getpriority"}


def modules(*, outside: str = "") -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not outside or outside not in path.relative_to(PACKAGE).parts
    ]


def is_private(name: str) -> bool:
    """``_aiohttp``, ``_make_ssl_context``; not ``__future__``."""
    return name.startswith("_") and not name.startswith("__")


def test_a_plain_crawl_imports_neither_redis_nor_a_renderer(tmp_path: Path) -> None:
    """A real ``scrapy crawl``, every component of the project's settings loaded, on a list
    whose one line is no URL (nothing is fetched); the modules loaded are listed at exit."""
    listing, records = tmp_path / "blogs.txt", tmp_path / "records.json"
    listing.write_text("not a url\n")
    crawl = ["scrapy", "crawl", "blogs", "-a", f"urls_file={listing}", "-O", str(records)]
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('redis', 'scrapy_redis',"
        " 'scrapy_splash', 'scrapy_playwright') if m in sys.modules)))\n"
        "from scrapy.cmdline import execute\n"
        f"execute({[*crawl, '-s', 'LOG_LEVEL=ERROR']!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert len(json.loads(records.read_text())) == 1  # the crawl ran: one record
    assert done.stdout.strip() == "[]"


def test_private_names_are_imported_only_in_compat() -> None:
    found = []
    for path in modules(outside="compat"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [*node.module.split("."), *(alias.name for alias in node.names)]
                if any(is_private(name) for name in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_settings_are_read_without_a_second_default() -> None:
    """Outside ``settings.py`` (the home of defaults, which reads some from the environment)."""
    found = []
    for path in modules():
        if path == PACKAGE / "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in READERS
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).isupper()
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value}")
    assert found == []


def test_no_setting_is_assigned_twice() -> None:
    tree = ast.parse((PACKAGE / "settings.py").read_text(encoding="utf-8"))
    names = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id.isupper()
    ]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_at_most_fourteen_modules_at_the_top_of_the_package() -> None:
    top = [path.name for path in PACKAGE.glob("*.py") if path.name != "__init__.py"]
    assert len(top) <= 14, sorted(top)


@pytest.mark.parametrize("command", ["enqueue", "collect", "workers", "parallel", "merge"])
def test_the_commands_run_as_before(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"blogtitles.{command}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"python -m blogtitles.{command}" in done.stdout
