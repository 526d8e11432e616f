"""`make loadtest` (issue 17): the production stack under many users at once.

Starts docker-compose.yml's web (gunicorn), worker, beat and mailin services without Docker
(tests/perf/stack.py) on loopback against the machine's PostgreSQL and Redis, seeds agents,
customers and tickets (tests/perf/load_seed.py), then drives it with Locust, headless,
with tests/perf/locustfile.py's mix of agents, customers, mail and hostile traffic.

Afterwards it checks that every mail the listener accepted was filed exactly once and
every ticket a customer sent exists exactly once, samples the worker's memory during the
run, prints a table, and writes a chart of response times and throughput over time
(SVG) next to Locust's CSV files.

    make loadtest                                 # 100 users for 5 minutes
    LOADTEST_USERS=10 LOADTEST_TIME=30s make loadtest   # a smoke run (CI)

Environment: LOADTEST_USERS (100), LOADTEST_TIME (5m), LOADTEST_TICKETS (tickets seeded,
500), LOADTEST_OUT (folder for the CSV files and the chart, test-artifacts/loadtest).
Targets (reported, not asserted by the tests): no errors, p99 under 500 ms, no lost mail
and no duplicate ticket, the worker's memory flat. The exit status is 1 when a check of
correctness fails (errors, lost or doubled mail or tickets), not for slowness.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.stack import ROOT, Stack, stack, wait_for

USERS = int(os.environ.get("LOADTEST_USERS", "100"))
DURATION = os.environ.get("LOADTEST_TIME", "5m")
TICKETS = int(os.environ.get("LOADTEST_TICKETS", "500"))
OUT = Path(os.environ.get("LOADTEST_OUT", ROOT / "test-artifacts" / "loadtest"))
P99_TARGET_MS = 500


class MemorySampler(threading.Thread):
    """The worker's resident memory (main process and its pool children) every 5 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(5):
            try:
                main = psutil.Process(self.pid)
                processes = [main, *main.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in processes)
            except psutil.Error:
                continue
            self.samples.append(rss / 2**20)


def run_locust(run: Stack, data: Path, record: Path) -> Path:
    prefix = OUT / "locust"
    env = {
        **os.environ,
        "LOADTEST_DATA": str(data),
        "LOADTEST_SITE": run.site_host,
        "LOADTEST_SMTP": str(run.smtp_port),
        "LOADTEST_RECORD": str(record),
        "ATTACHMENT_MAX_SIZE_MB": run.env("web").get("ATTACHMENT_MAX_SIZE_MB", "20"),
    }
    spawn = max(1, USERS // 10)
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
            "--headless", "--users", str(USERS), "--spawn-rate", str(spawn),
            "--run-time", DURATION, "--host", run.url, "--csv", str(prefix),
            "--csv-full-history", "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0", "--stop-timeout", "30",
        ],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return prefix


def stats_table(prefix: Path) -> tuple[list[dict], dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as rows:
        stats = list(csv.DictReader(rows))
    total = next(row for row in stats if row["Name"] == "Aggregated")
    return [row for row in stats if row["Name"] != "Aggregated"], total


def chart(prefix: Path, path: Path) -> None:
    """p95 response time and requests per second over time, as a small SVG line chart."""
    with open(f"{prefix}_stats_history.csv", encoding="utf-8") as rows:
        history = [r for r in csv.DictReader(rows) if r["Name"] == "Aggregated"]
    points = [
        (int(r["Timestamp"]), float(r["95%"] or 0), float(r["Requests/s"] or 0))
        for r in history
        if r["95%"] not in ("", "N/A")
    ]
    width, height, pad = 720, 300, 48
    if len(points) < 2:
        path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
        return
    t0, t1 = points[0][0], points[-1][0] or 1
    top_ms = max(p[1] for p in points) or 1
    top_rps = max(p[2] for p in points) or 1

    def x(t: int) -> float:
        return pad + (t - t0) / max(t1 - t0, 1) * (width - 2 * pad)

    def y(value: float, top: float) -> float:
        return height - pad - value / top * (height - 2 * pad)

    ms_line = " ".join(f"{x(t):.1f},{y(ms, top_ms):.1f}" for t, ms, _ in points)
    rps_line = " ".join(f"{x(t):.1f},{y(rps, top_rps):.1f}" for t, _, rps in points)
    path.write_text(
        f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"
 viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">
<title>Load test: p95 response time and throughput over time</title>
<rect width="100%" height="100%" fill="#fff"/>
<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#555"/>
<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#555"/>
<polyline points="{ms_line}" fill="none" stroke="#b3261e" stroke-width="2"/>
<polyline points="{rps_line}" fill="none" stroke="#1a5fb4" stroke-width="2"/>
<text x="{pad}" y="{pad - 16}" fill="#b3261e">p95 ms (max {top_ms:.0f})</text>
<text x="{width - pad}" y="{pad - 16}" fill="#1a5fb4"
 text-anchor="end">requests/s (max {top_rps:.1f})</text>
<text x="{width / 2}" y="{height - 12}" text-anchor="middle">{t1 - t0} s</text>
</svg>
""",
        encoding="utf-8",
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    data, record = OUT / "data.json", OUT / "record.json"
    with stack("load") as run:
        print(f"load: seeding {TICKETS} tickets")
        run.manage(
            "shell", "-c",
            f"from tests.perf.load_seed import seed; seed({str(data)!r}, {TICKETS})",
            check=True,
        )  # fmt: skip
        run.start(["web", "worker", "beat", "mailin"])
        wait_for(run.healthy, 180, "the health endpoint")
        sampler = MemorySampler(run.processes["worker"].pid)
        sampler.start()
        print(f"load: {USERS} users for {DURATION}")
        prefix = run_locust(run, data, record)
        sampler.stopped.set()
        check = f"from tests.perf.load_seed import figures; figures({str(record)!r})"

        figures: dict = {}

        def settled() -> bool:
            result = run.manage("shell", "-c", check, capture_output=True, text=True, check=True)
            figures.update(json.loads(result.stdout.strip().splitlines()[-1]))
            return figures["pending"] == 0

        wait_for(settled, 180, "the mail queue to drain")
        for service, process in run.processes.items():
            if process.poll() is not None:
                print(
                    f"load: {service} exited with {process.returncode}:\n{run.log(service)[-3000:]}"
                )
    rows, total = stats_table(prefix)
    chart(prefix, OUT / "loadtest.svg")
    report(rows, total, figures, sampler.samples)
    print(f"chart: {OUT / 'loadtest.svg'}; Locust CSV: {prefix}_*.csv")
    twice = figures["mail_stored_twice"] + figures["mail_filed_twice"] + figures["web_twice"]
    lost = (
        figures["mail_sent"] - figures["mail_filed"] + figures["web_sent"] - figures["web_tickets"]
    )
    return 1 if int(total["Failure Count"]) or lost or twice else 0


def report(rows: list[dict], total: dict, figures: dict, memory: list[float]) -> None:
    columns = [("Request Count", "count"), ("Failure Count", "fails"), ("50%", "median ms")]
    columns += [("95%", "p95 ms"), ("99%", "p99 ms")]
    print(f"\nLoad test: {USERS} users for {DURATION} (tests/perf/locustfile.py)\n")
    print("| request | " + " | ".join(title for _, title in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for row in [*rows, total]:
        print(f"| {row['Name']} | " + " | ".join(row[key] for key, _ in columns) + " |")
    p99 = float(total["99%"] or 0)
    print(
        f"\nthroughput {float(total['Requests/s']):.1f} requests/s; p99 {p99:.0f} ms"
        f" (target under {P99_TARGET_MS}); errors {total['Failure Count']}"
    )
    twice = figures["mail_stored_twice"] + figures["mail_filed_twice"]
    print(
        f"mail: {figures['mail_sent']} accepted by the listener, {figures['mail_stored']}"
        f" stored, {figures['mail_filed']} filed, {twice} twice;"
        f" {figures['quarantined']} quarantined"
    )
    print(
        f"portal tickets: {figures['web_sent']} sent, {figures['web_tickets']} exist,"
        f" {figures['web_twice']} twice"
    )
    if memory:
        print(
            f"worker memory: {memory[0]:.0f} MiB at the start, {memory[-1]:.0f} MiB at the end,"
            f" at most {max(memory):.0f} MiB"
        )


if __name__ == "__main__":
    sys.exit(main())
