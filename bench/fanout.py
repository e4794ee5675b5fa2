"""WebSocket fan-out: command-to-delivery latency, losses and server cost under live load.

    python -m bench.fanout --boards 100 --clients 10 --rate 5 --seconds 20 [--generators 2]
    python -m bench.fanout --boards 100 --clients 0 --idle 2000

Starts one Plenary server (``python -m service.cli serve``) on a free loopback port with a
fresh SQLite file in a temporary folder, creates a workshop, N boards and one participant
invite per board over HTTP, then starts G load-generator processes (``bench.fanout_load``).
Each generator holds all M clients of its boards; client 0 of a board is its writer and sends
``note.move`` / ``note.add`` commands at F per second on an open-loop schedule. Latency is
the time from sending a command to its event arriving at each of the board's M clients
(``command_id`` == ``op_id``; one process, one ``perf_counter``). Every client must get every
event of its board exactly once. ``--idle K`` first opens K connections that say ``hello``
and then nothing, and measures the server's RSS before and after. ``--profile FILE`` runs
the server under cProfile, ``--py-spy FILE`` samples it with py-spy (``PY_SPY``: its path),
``--server-module`` runs another module's ``serve`` (A/B runs of a patched server). The
generators run on uvloop (``--generator-loop asyncio`` for the standard loop), so the clients'
side takes less of the CPUs it shares with the server. Server CPU includes the projector
process; the host's busy and stolen CPU shares over the run are reported beside it. A summary
goes to stderr and one JSON line to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.error
import urllib.parse
import urllib.request
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bench.fanout_load import BoardSpec, GenConfig, Phase, generator_main, raise_nofile

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PHASE_TIMEOUT = 300.0


# --------------------------------------------------------------------------- the server


class Server:
    """One ``plenary serve`` process on a free loopback port; ``stop`` is idempotent."""

    def __init__(
        self,
        folder: Path,
        profile: str | None,
        module: str = "service.cli",
        database: str | None = None,
        schema: str | None = None,
    ) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        env = {
            **os.environ,
            "PLENARY_DATABASE_URL": database or f"sqlite+aiosqlite:///{folder / 'plenary.db'}",
            "PLENARY_DATA_DIR": str(folder / "data"),
            "PLENARY_HOST": "127.0.0.1",
            "PLENARY_PORT": str(self.port),
            "PLENARY_ALLOWED_ORIGINS": "",
            # One workshop holds every board of the bench; every other limit is the default.
            "PLENARY_LIMIT_BOARDS_PER_WORKSHOP": "100000",
        }
        if schema is not None:
            env["PLENARY_DATABASE_SCHEMA"] = schema
        self.signin = _organiser_signin(module, env)
        prefix = [sys.executable]
        if profile:
            prefix += ["-m", "cProfile", "-o", profile]
        args = ["-m", module, "serve", "--port", str(self.port), "--log-level", "warning"]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [*prefix, *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=raise_nofile,
        )
        self.pid = self.proc.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log()}")
            with contextlib.suppress(OSError):
                http(self.base_url, "GET", "/api/health")
                return
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start in {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def cpu_seconds(self) -> float:
        """CPU time of the server and of its running children (the projector process)."""
        return sum(_process_cpu(pid) for pid in [self.pid, *self.children()])

    def children(self) -> list[int]:
        with contextlib.suppress(OSError):
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
            return [int(pid) for pid in text.split()]
        return []

    def rss_mb(self) -> float:
        """Resident memory of the serving process (the one holding the connections)."""
        return _process_rss_mb(self.pid)

    def children_rss_mb(self) -> float:
        """Resident memory of its children: the projector process."""
        return sum(_process_rss_mb(pid) for pid in self.children())

    def stop(self) -> None:
        """SIGINT first (uvicorn shuts down gracefully, cProfile writes its file), then kill."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def _process_rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _process_cpu(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http(base_url: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    """One request's JSON answer; a 429 (the facilitator's setup outruns their command rate)
    is sent again after its ``Retry-After``, at most 100 times."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for _ in range(100):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 429:
                raise
            time.sleep(json.loads(exc.read())["error"]["retry_after"])
    raise RuntimeError(f"{path}: still rate-limited after 100 tries")


def _organiser_signin(module: str, env: dict[str, str]) -> str:
    """``plenary organiser add`` on the bench's database: the organiser's sign-in token."""
    printed = subprocess.run(
        [sys.executable, "-m", module, "organiser", "add", "Fan-out bench"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return printed.rsplit("#token=", 1)[1].strip()


def create_boards(base_url: str, signin: str, count: int) -> list[BoardSpec]:
    """A workshop, ``count`` boards and one participant invite scoped to each board."""
    organiser = http(base_url, "POST", "/api/auth/session", {}, signin)["token"]
    made = http(base_url, "POST", "/api/workshops", {"title": "Fan-out bench"}, organiser)
    workshop_id, facilitator = made["id"], made["facilitator_token"]
    boards = []
    for i in range(count):
        board = http(
            base_url,
            "POST",
            f"/api/workshops/{workshop_id}/boards",
            {"title": f"Board {i}"},
            facilitator,
        )
        invite = http(
            base_url,
            "POST",
            f"/api/workshops/{workshop_id}/invites",
            {"role": "participant", "name": f"writer {i}", "board_id": board["id"]},
            facilitator,
        )
        boards.append(BoardSpec(board["id"], invite["token"]))
    return boards


# --------------------------------------------------------------------------- measurements


def cpu_reference() -> float:
    """µs per ``sha256(200 bytes).digest()``, best of 5: how fast the VM is right now."""
    runs = timeit.repeat(
        "sha256(b'x' * 200).digest()", setup="from hashlib import sha256", number=100_000, repeat=5
    )
    return round(min(runs) / 100_000 * 1e6, 3)


def quantiles_ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    n = len(ordered)

    def at(q: float) -> float:
        return round(ordered[min(n - 1, int(q * n))] * 1e3, 2)

    return {
        "n": n,
        "p50": at(0.50),
        "p90": at(0.90),
        "p99": at(0.99),
        "p999": at(0.999),
        "max": round(ordered[-1] * 1e3, 2),
        "mean": round(statistics.fmean(ordered) * 1e3, 2),
    }


def host_cpu() -> tuple[int, int, int]:
    """``(busy, steal, total)`` jiffies of all CPUs since boot (``/proc/stat``); zeros if unknown.

    Steal is time this virtual machine's CPUs waited for the host: the neighbours' share,
    which moves every latency figure here and shows in no other reading.
    """
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        steal = fields[7] if len(fields) > 7 else 0
        total = sum(fields[:8])
        return total - idle - steal, steal, total
    return 0, 0, 0


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "mem_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


# --------------------------------------------------------------------------- orchestration


class Generators:
    def __init__(self, base_url: str, boards: list[BoardSpec], args: argparse.Namespace) -> None:
        ctx = multiprocessing.get_context("spawn")
        count = max(1, args.generators)
        idle = [boards[i % len(boards)] for i in range(args.idle)]
        self.procs: list[BaseProcess] = []
        self.pipes: list[Connection] = []
        for g in range(count):
            cfg = GenConfig(
                index=g,
                base_url=base_url,
                boards=boards[g::count] if args.clients > 0 else [],
                idle=idle[g::count],
                clients=args.clients,
                rate=args.rate,
                seconds=args.seconds,
                warmup=args.warmup,
                seed_notes=args.seed_notes,
                add_share=args.add_share,
                loop=args.generator_loop,
            )
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=generator_main, args=(theirs, cfg), daemon=True)
            proc.start()
            theirs.close()
            self.procs.append(proc)
            self.pipes.append(mine)

    def phase(self, phase: Phase) -> list[dict[str, Any]]:
        for pipe in self.pipes:
            pipe.send(phase)
        answers = []
        for pipe, proc in zip(self.pipes, self.procs, strict=True):
            if not pipe.poll(PHASE_TIMEOUT):
                raise RuntimeError(f"generator {proc.name} did not finish {phase.name!r}")
            answer: dict[str, Any] = pipe.recv()
            if not answer.get("ok"):
                raise RuntimeError(f"generator {proc.name}: {answer.get('error')}")
            answers.append(answer)
        return answers

    def stop(self) -> None:
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)


def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_nofile()
    result: dict[str, Any] = {
        "bench": "fanout",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "boards": args.boards,
        "clients": args.clients,
        "rate": args.rate,
        "seconds": args.seconds,
        "generators": args.generators,
        "generator_loop": args.generator_loop,
        "idle": args.idle,
        "machine": machine(),
        "cpu_ref_us_before": cpu_reference(),
    }
    with tempfile.TemporaryDirectory(prefix="plenary-fanout-") as folder:
        schema = f"bench_{os.getpid()}_{int(time.time())}" if args.database else None
        result["database"] = "postgresql" if args.database else "sqlite"
        server = Server(Path(folder), args.profile, args.server_module, args.database, schema)
        gens: Generators | None = None
        try:
            server.wait_ready()
            boards = create_boards(server.base_url, server.signin, args.boards)
            gens = Generators(server.base_url, boards, args)
            time.sleep(1.0)
            rss_base = server.rss_mb()
            result["rss_mb_base"] = round(rss_base, 1)
            if args.idle:
                answers = gens.phase(Phase("idle"))
                time.sleep(args.settle)
                rss_idle = server.rss_mb()
                result["idle_connect_s"] = round(max(a["connect_s"] for a in answers), 2)
                result["rss_mb_idle"] = round(rss_idle, 1)
                result["rss_mb_idle_children"] = round(server.children_rss_mb(), 1)
                result["rss_kb_per_idle_connection"] = round(
                    (rss_idle - rss_base) * 1024 / args.idle, 1
                )
                rss_base = rss_idle
            if args.clients and args.rate > 0 and args.seconds > 0:
                answers = gens.phase(Phase("connect"))
                time.sleep(args.settle)
                rss_connected = server.rss_mb()
                connections = sum(a["connections"] for a in answers)
                result["connections"] = connections
                result["connect_s"] = round(max(a["connect_s"] for a in answers), 2)
                result["rss_mb_connected"] = round(rss_connected, 1)
                result["rss_kb_per_active_connection"] = round(
                    (rss_connected - rss_base) * 1024 / max(connections, 1), 1
                )
                t0 = time.time() + 1.0
                run_phase = Phase("run", t0)
                for pipe in gens.pipes:
                    pipe.send(run_phase)
                time.sleep(max(0.0, t0 - time.time()))
                cpu0, wall0, host0 = server.cpu_seconds(), time.perf_counter(), host_cpu()
                spy = _py_spy(server.pid, args) if args.py_spy else None
                time.sleep(args.seconds - (args.warmup if spy is not None else 0.0))
                cpu1, wall1, host1 = server.cpu_seconds(), time.perf_counter(), host_cpu()
                if spy is not None:
                    spy.wait(60)
                answers = []
                for pipe in gens.pipes:
                    if not pipe.poll(PHASE_TIMEOUT):
                        raise RuntimeError("a generator did not finish its run")
                    answer = pipe.recv()
                    if not answer.get("ok"):
                        raise RuntimeError(f"generator: {answer.get('error')}")
                    answers.append(answer)
                result["rss_mb_after"] = round(server.rss_mb(), 1)
                result["rss_mb_children_after"] = round(server.children_rss_mb(), 1)
                result["server_cpu_s"] = round(cpu1 - cpu0, 2)
                result["server_cores"] = round((cpu1 - cpu0) / (wall1 - wall0), 2)
                total = max(host1[2] - host0[2], 1)
                result["host_busy_share"] = round((host1[0] - host0[0]) / total, 3)
                result["host_steal_share"] = round((host1[1] - host0[1]) / total, 3)
                result.update(_combine(answers, args))
            else:
                result["rss_mb_after"] = round(server.rss_mb(), 1)
                result["rss_mb_children_after"] = round(server.children_rss_mb(), 1)
            gens.phase(Phase("close"))
        finally:
            if gens is not None:
                gens.stop()
            server.stop()
            if schema is not None:
                _drop_schema(args.database, schema)
        result["cpu_ref_us_after"] = cpu_reference()
        if args.profile:
            result["profile"] = args.profile
    return result


def _drop_schema(url: str, schema: str) -> None:
    """Remove the run's PostgreSQL schema (the server has stopped)."""
    import asyncio

    import asyncpg

    async def drop() -> None:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())


def _py_spy(pid: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """Sample the server with py-spy over the measured part of the run (PY_SPY: its path)."""
    binary = os.environ.get("PY_SPY", "py-spy")
    fmt = "flamegraph" if args.py_spy.endswith(".svg") else "raw"
    duration = max(1, int(args.seconds - args.warmup))
    time.sleep(args.warmup)
    command = [binary, "record", "--pid", str(pid), "--duration", str(duration)]
    return subprocess.Popen(
        [*command, "--rate", "200", "--format", fmt, "--output", args.py_spy, "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _combine(answers: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int(a[key]) for a in answers)

    def merged(key: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in answers:
            for k, v in a[key].items():
                out[k] = out.get(k, 0) + v
        return out

    latencies = [x for a in answers for x in a["latencies"]]
    measured = args.seconds - args.warmup
    return {
        "commands_sent": total("sent"),
        "commands_acked": total("acked"),
        "rejected": merged("rejected"),
        "expected_deliveries": total("expected_deliveries"),
        "delivered": total("delivered"),
        "lost": total("missing"),
        "lost_on_closed_connections": total("missing_on_closed"),
        "duplicates": total("duplicates"),
        "gaps": total("gaps"),
        "unknown_events": total("unknown_events"),
        "closed": merged("closed"),
        "send_errors": merged("send_errors"),
        "deliveries_per_s": round(len(latencies) / measured) if measured > 0 else 0,
        "latency_ms": quantiles_ms(latencies),
        "ack_latency_ms": quantiles_ms([x for a in answers for x in a["ack_latencies"]]),
        "generator_lag_ms": [quantiles_ms(a["lags"]) for a in answers],
        "generator_send_slip_ms": quantiles_ms([x for a in answers for x in a["send_slip"]]),
        "generator_cores": [round(a["cpu_s"] / args.seconds, 2) for a in answers],
        "drain_s": round(max(a["drain_s"] for a in answers), 2),
    }


def summary(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"fan-out: {r['boards']} boards x {r['clients']} clients, {r['rate']}/s per board, "
        f"{r['seconds']} s, {r['generators']} generators on {r['generator_loop']}, "
        f"{r['idle']} idle "
        f"({m['nproc']} x {m['cpu']}, load {m['loadavg']}; sha256 ref "
        f"{r['cpu_ref_us_before']}/{r['cpu_ref_us_after']} µs)",
        f"  server RSS: base {r['rss_mb_base']} MB"
        + (
            f", {r['idle']} idle {r['rss_mb_idle']} MB "
            f"(+ {r['rss_mb_idle_children']} MB projector process) "
            f"({r['rss_kb_per_idle_connection']} KB/conn, opened in {r['idle_connect_s']} s)"
            if r["idle"]
            else ""
        )
        + (
            f", {r['connections']} active {r['rss_mb_connected']} MB "
            f"({r['rss_kb_per_active_connection']} KB/conn)"
            if "connections" in r
            else ""
        )
        + f", after {r['rss_mb_after']} MB (+ {r['rss_mb_children_after']} MB projector process)",
    ]
    if "latency_ms" in r:
        lat, ack = r["latency_ms"], r["ack_latency_ms"]
        lags = "; ".join(f"p99 {g.get('p99')} max {g.get('max')}" for g in r["generator_lag_ms"])
        lines += [
            f"  commands: sent {r['commands_sent']:,}, acked {r['commands_acked']:,}, "
            f"rejected {r['rejected'] or 0}; deliveries {r['delivered']:,}/"
            f"{r['expected_deliveries']:,}, lost {r['lost']} ({r['lost_on_closed_connections']} on "
            f"closed sockets), duplicates {r['duplicates']}, "
            f"gaps {r['gaps']}, closed {r['closed'] or 0}",
            f"  delivery latency (ms): p50 {lat.get('p50')}, p99 {lat.get('p99')}, "
            f"max {lat.get('max')} over {lat['n']:,} ({r['deliveries_per_s']:,}/s); "
            f"ack p50 {ack.get('p50')}, p99 {ack.get('p99')}",
            f"  server CPU (projector process included) {r['server_cpu_s']} s = "
            f"{r['server_cores']} cores; generators "
            f"{r['generator_cores']} cores, loop lag (ms) {lags}; send slip p99 "
            f"{r['generator_send_slip_ms'].get('p99')} ms",
            f"  host CPUs {r['host_busy_share']:.0%} busy, {r['host_steal_share']:.0%} stolen "
            "by the hypervisor during the run",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--clients", type=int, default=10, help="clients per board (1 writes)")
    parser.add_argument("--rate", type=float, default=5.0, help="commands/s per board")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--generators", type=int, default=2)
    parser.add_argument(
        "--generator-loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="the load generators' event loop (uvloop leaves the server more of the CPUs)",
    )
    parser.add_argument("--idle", type=int, default=0, help="idle connections to open first")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds left out of latency")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before reading RSS")
    parser.add_argument("--seed-notes", type=int, default=5, help="notes each writer adds first")
    parser.add_argument("--add-share", type=float, default=0.1, help="share of note.add")
    parser.add_argument("--profile", metavar="FILE", help="run the server under cProfile")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a PostgreSQL URL (postgresql+asyncpg://…) instead of a fresh SQLite file; the "
        "run gets a schema of its own, dropped afterwards",
    )
    parser.add_argument(
        "--server-module",
        default="service.cli",
        help="module run as `python -m MODULE serve ...` (A/B runs of a patched server)",
    )
    parser.add_argument(
        "--py-spy", metavar="FILE", help="sample the server with py-spy (.svg or collapsed text)"
    )
    args = parser.parse_args(argv)
    if args.boards < 1 or args.clients < 0 or args.idle < 0 or args.warmup >= args.seconds > 0:
        parser.error("need --boards >= 1, --clients >= 0, --idle >= 0, --warmup < --seconds")
    result = run(args)
    print(summary(result), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
