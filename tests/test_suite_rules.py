"""The suite's own rules, read from its source: a test module imports no other test module
(shared helpers live in non-test modules), and waits on conditions, never on a sleep
(``tests/waiting.py`` polls; ``asyncio.sleep(0)``, a bare yield to the loop, is fine)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SLEEPS = {"time.sleep", "asyncio.sleep"}


def _is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def _imported_test_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if _is_test_module(alias.name)]
    package = "." * node.level + (f"{node.module}." if node.module else "")
    if node.module and _is_test_module(node.module):
        return [package.rstrip(".")]
    return [package + alias.name for alias in node.names if _is_test_module(alias.name)]


def _sleep_names(tree: ast.AST) -> dict[str, str]:
    """What each local name of a sleep stands for: ``time.sleep`` or ``asyncio.sleep``
    (``import time as clock`` binds ``clock.sleep``; ``from time import sleep as nap``, ``nap``)."""
    names = {sleep: sleep for sleep in SLEEPS}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and f"{alias.name}.sleep" in SLEEPS:
                    names[f"{alias.asname}.sleep"] = f"{alias.name}.sleep"
        elif isinstance(node, ast.ImportFrom) and f"{node.module}.sleep" in SLEEPS:
            for alias in node.names:
                if alias.name == "sleep":
                    names[alias.asname or alias.name] = f"{node.module}.sleep"
    return names


def _called(call: ast.Call, sleeps: dict[str, str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return sleeps.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return sleeps.get(f"{func.value.id}.{func.attr}")
    return None


def _is_zero(call: ast.Call) -> bool:
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return (
        len(arguments) == 1 and isinstance(arguments[0], ast.Constant) and arguments[0].value == 0
    )


def violations(source: str, name: str) -> list[str]:
    """What in the test module ``name`` (its ``source``) breaks the suite's rules."""
    tree = ast.parse(source, name)
    sleeps = _sleep_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for module in _imported_test_modules(node):
                found.append((node.lineno, f"imports the test module {module}"))
        if isinstance(node, ast.Call) and (sleep := _called(node, sleeps)) and not _is_zero(node):
            found.append((node.lineno, f"calls {sleep}: wait on a condition instead"))
    return [f"{name}:{line} {problem}" for line, problem in sorted(found)]


def test_no_test_module_imports_another_or_sleeps() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 50  # the suite, not an empty folder
    found = [
        problem
        for path in modules
        for problem in violations(path.read_text(), str(path.relative_to(TESTS.parent)))
    ]
    assert found == []


BAD = """
import asyncio, time
import asyncio as aio
from time import sleep as nap
import tests.domain.test_board
from tests.domain.test_board import given
from tests.domain import test_board, harness
from . import test_voting

async def test_it():
    await asyncio.sleep(0.3)
    time.sleep(1)
    nap(0.1)
    await asyncio.sleep(delay=0.2)
    await aio.sleep(0.01)
"""

GOOD = """
import asyncio
from tests.domain.harness import given
from tests.domain import builders
from tests.waiting import until

async def test_it():
    await asyncio.sleep(0)  # a bare yield
    await until(lambda: True, within=1, what="it")
"""


def test_the_rules_name_each_bad_import_and_sleep() -> None:
    assert violations(BAD, "tests/test_bad.py") == [
        "tests/test_bad.py:5 imports the test module tests.domain.test_board",
        "tests/test_bad.py:6 imports the test module tests.domain.test_board",
        "tests/test_bad.py:7 imports the test module tests.domain.test_board",
        "tests/test_bad.py:8 imports the test module .test_voting",
        "tests/test_bad.py:11 calls asyncio.sleep: wait on a condition instead",
        "tests/test_bad.py:12 calls time.sleep: wait on a condition instead",
        "tests/test_bad.py:13 calls time.sleep: wait on a condition instead",
        "tests/test_bad.py:14 calls asyncio.sleep: wait on a condition instead",
        "tests/test_bad.py:15 calls asyncio.sleep: wait on a condition instead",
    ]


def test_the_rules_let_helpers_and_a_bare_yield_be() -> None:
    assert violations(GOOD, "tests/test_good.py") == []
