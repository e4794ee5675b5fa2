"""The size rule, read from the source: no module over about 300 lines and no HTTP handler over
about 15 lines without a reason written at its top (``docs/architecture.md``, "Size").

A module past ``MODULE_LINES`` says why in its head (a Python module's docstring, a JS module's
leading comment block, within its first ``HEAD_LINES`` lines) with the words "on purpose"; a
handler (an ``async def`` taking ``call`` first, registered in an ``Endpoint``) whose body runs
past ``HANDLER_LINES`` lines (its docstring not counted) has its module's head say why with the
words "past 15 lines". Nothing here imports the code it reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
MODULE_LINES = 300
HANDLER_LINES = 15
HEAD_LINES = 30
SIZE_REASON = "on purpose"
HANDLER_REASON = "past 15 lines"
SOURCES = (("service", "*.py"), ("domain", "*.py"), ("projections", "*.py"), ("web_client", "*.js"))


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def python_head(source: str) -> str:
    """The module docstring, if it starts within the first ``HEAD_LINES`` lines."""
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.lineno <= HEAD_LINES
    ):
        return first.value.value
    return ""


def js_head(source: str) -> str:
    """The comment block the module starts with (``//`` lines or one ``/* … */``), within its
    first ``HEAD_LINES`` lines."""
    lines = source.splitlines()[:HEAD_LINES]
    head: list[str] = []
    in_block = False
    for line in lines:
        text = line.strip()
        if in_block:
            head.append(text.split("*/")[0].lstrip("*"))
            in_block = "*/" not in text
        elif text.startswith("//"):
            head.append(text[2:])
        elif text.startswith("/*"):
            head.append(text[2:].split("*/")[0])
            in_block = "*/" not in text
        else:
            break
    return "\n".join(head)


def _registered(tree: ast.Module) -> set[str]:
    """The names of the functions the module hands to ``Endpoint(…)`` as its handler."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Endpoint"
        ):
            continue
        given = [node.args[2]] if len(node.args) > 2 else []
        given += [k.value for k in node.keywords if k.arg == "handler"]
        names |= {arg.id for arg in given if isinstance(arg, ast.Name)}
    return names


def _body_lines(function: ast.AsyncFunctionDef) -> int:
    body = function.body
    if (
        len(body) > 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    end = function.end_lineno or body[-1].lineno
    return end - body[0].lineno + 1


def long_handlers(source: str) -> list[tuple[str, int]]:
    """Each registered handler whose body runs past ``HANDLER_LINES``, with its length."""
    tree = ast.parse(source)
    registered = _registered(tree)
    found = []
    for node in tree.body:
        if (
            isinstance(node, ast.AsyncFunctionDef)
            and node.name in registered
            and node.args.args
            and node.args.args[0].arg == "call"
            and (lines := _body_lines(node)) > HANDLER_LINES
        ):
            found.append((node.name, lines))
    return found


def layout_violations(source: str, name: str, *, handlers: bool = False) -> list[str]:
    """What in the module ``name`` (its ``source``) breaks the size rule; ``handlers``: it is
    a module of HTTP handlers, whose lengths count too."""
    head = _words(python_head(source) if name.endswith(".py") else js_head(source))
    found = []
    lines = len(source.splitlines())
    if lines > MODULE_LINES and SIZE_REASON not in head:
        found.append(f"{name}: {lines} lines, and its head does not say why ({SIZE_REASON!r})")
    if handlers and HANDLER_REASON not in head:
        found += [
            f"{name}: handler {handler} runs {length} lines, and its module's head does not "
            f"say why ({HANDLER_REASON!r})"
            for handler, length in long_handlers(source)
        ]
    return found


def _modules() -> list[Path]:
    return sorted(path for folder, pattern in SOURCES for path in (ROOT / folder).rglob(pattern))


def test_no_module_or_handler_is_long_without_a_reason() -> None:
    modules = _modules()
    assert len(modules) > 100  # the code, not an empty folder
    found = [
        problem
        for path in modules
        for problem in layout_violations(
            path.read_text(),
            str(path.relative_to(ROOT)),
            handlers=path.parent == ROOT / "service" / "http",
        )
    ]
    assert found == []


def test_http_handlers_are_found() -> None:
    sources = [path.read_text() for path in (ROOT / "service" / "http").glob("*.py")]
    registered = [name for source in sources for name in _registered(ast.parse(source))]
    assert len(registered) > 50  # the check reads the API's handlers, not none of them


_HANDLERS = """
async def short(call):
    \"\"\"Fine.\"\"\"
    return 1


async def long(call):
    \"\"\"Its docstring does not count.\"\"\"
{sixteen}    return x


async def helper(call):  # not registered
{sixteen}    return x


ROUTES = [
    Endpoint("GET", "/a", short, int),
    Endpoint("GET", "/b", handler=long, answer=int),
]
"""
_BODY = _HANDLERS.format(sixteen="    x = 1\n" * 16) + "# filler\n" * 249
BAD_PY = '"""A module that grew."""\n' + _BODY

GOOD_PY = '"""Over 300 lines on purpose (…); its handlers run past 15 lines because …"""\n' + _BODY

BAD_JS = "// A page.\n" + "const a = 1;\n" * 301

GOOD_JS = "// A page: one unit,\n// on purpose, because ...\n" + "const a = 1;\n" * 301


def test_the_rule_names_each_long_module_and_handler() -> None:
    assert layout_violations(BAD_PY, "service/http/bad.py", handlers=True) == [
        "service/http/bad.py: 301 lines, and its head does not say why ('on purpose')",
        "service/http/bad.py: handler long runs 17 lines, and its module's head does not say "
        "why ('past 15 lines')",
    ]
    assert layout_violations(BAD_JS, "web_client/bad.js") == [
        "web_client/bad.js: 302 lines, and its head does not say why ('on purpose')"
    ]


def test_the_rule_lets_a_stated_reason_or_a_short_module_be() -> None:
    assert layout_violations(GOOD_PY, "service/http/good.py", handlers=True) == []
    assert layout_violations(GOOD_JS, "web_client/good.js") == []
    assert layout_violations("// short\n" + "const a = 1;\n" * 290, "web_client/a.js") == []
    only_size = '"""Long on purpose."""\n' + _BODY
    assert layout_violations(only_size, "service/http/half.py", handlers=True) == [
        "service/http/half.py: handler long runs 17 lines, and its module's head does not say "
        "why ('past 15 lines')"
    ]
