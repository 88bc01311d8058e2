"""Benchmark: how long Python's garbage collector stops a warm web worker, with and without
the freeze that gunicorn's master makes before it forks (`plenary.warmup.freeze`).

A throw-away PostgreSQL cluster and Redis serve. For each variant, a new process builds the
app as the master does (`create_app`, `warm`, then `freeze` or not) and serves the focal
point's flow in-process for 64 States (1,024 requests), as a worker does after the fork. It
reports the objects the collector tracks, the collections that ran during the flow and their
time, then times three full collections (the kind that, without the freeze, walks the whole
app).

    .venv/bin/python -m bench.gc_pause
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATES = 64


def child(setup_file: Path, frozen: bool) -> None:
    """One worker's life after the fork: the flow of each State, then full collections."""
    from bench.flow_instructions import one_state, warm_app
    from plenary.warmup import freeze

    app, setup = warm_app(setup_file)
    if frozen:
        freeze()
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    gc.callbacks.append(note)
    began = time.perf_counter()
    requests = sum(
        one_state(app, link, setup["day"], f"state{number}")
        for number, link in enumerate(setup["links"])
    )
    elapsed = time.perf_counter() - began
    gc.callbacks.remove(note)
    full = []
    for _ in range(3):
        before = time.perf_counter()
        gc.collect()
        full.append(time.perf_counter() - before)
    print(json.dumps({
        "requests": requests, "seconds": elapsed, "pauses": pauses, "full": full,
        "tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count(),
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--frozen", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.frozen)
        return
    from bench.flow_instructions import prepare
    from tests import servers

    work = Path(tempfile.mkdtemp(prefix="plenary-gc-"))
    postgres = servers.start_postgres()
    redis = servers.start_redis(work)
    try:
        results = {}
        for frozen in (False, True):
            # Each variant on States of its own, in a database of its own.
            setup_file = work / f"setup-{frozen}.json"
            setup_file.write_text(json.dumps(prepare(work, postgres, redis, STATES)))
            command = [sys.executable, "-m", "bench.gc_pause", "--child", str(setup_file)]
            done = subprocess.run(command + ["--frozen"] * frozen, capture_output=True,
                                  text=True, cwd=Path.cwd())  # fmt: skip
            if done.returncode != 0:
                sys.exit(f"the worker's run failed:\n{done.stderr[-3000:]}")
            results[frozen] = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        redis.stop()
        postgres.stop()
    print(f"{STATES} States' flows in-process after the master's warm-up, then 3 full "
          "collections\n")  # fmt: skip
    print("| master | objects tracked (frozen) | collections during the flow: count, total, "
          "longest | a full collection after it | flow time a request |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    for frozen, result in results.items():
        during = [pause for pauses in result["pauses"].values() for pause in pauses]
        full = ", ".join(f"{pause * 1000:.0f}" for pause in result["full"])
        print(f"| {'frozen' if frozen else 'not frozen'} | {result['tracked']:,} "
              f"({result['frozen']:,}) | {len(during)}, {sum(during) * 1000:.0f} ms, "
              f"{max(during, default=0) * 1000:.0f} ms | {full} ms | "
              f"{result['seconds'] / result['requests'] * 1000:.1f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
