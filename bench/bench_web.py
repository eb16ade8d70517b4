"""Benchmark: uploads through the web portal, end to end, on loopback only.

    python bench/bench_web.py                 # 200 uploads from 20 concurrent clients
    python bench/bench_web.py --small         # the small mode CI runs (asserts nothing about speed)

Starts a real `sopdoc serve` on 127.0.0.1 over a fresh Banten workspace, hands every client its
agency's link, and uploads distinct forms concurrently. Prints p50/p95 upload-to-verdict latency
and uploads per second, then checks that every upload was processed exactly once and nothing was
lost (one file record per upload, one receipt each, an empty inbox); exits 1 when not.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from sopdoc.demo import formgen as fg
from sopdoc.intake.batch import is_ignored
from sopdoc.intake.store import Store
from sopdoc.workspace import init_workspace


def keep_periods_open(ws) -> None:
    """The bundled periods are past: give them a late window long enough to take today's forms
    (filed late), so the uploads are processed rather than left waiting for a period."""
    path = ws.root / "periods.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(capital = .*)$", r"\1\nlate_window_days = 36500", text), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"sopdoc serve ended early: {server.stderr.read().decode(errors='replace')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("sopdoc serve did not answer /healthz")


def multipart(name: str, content: bytes) -> tuple:
    boundary = secrets.token_hex(16)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(port: int, path: str, name: str, content: bytes) -> tuple:
    body, content_type = multipart(name, content)
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", path, body, {"Content-Type": content_type, "Accept": "application/json"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    return time.perf_counter() - started, response.status, answer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--small", action="store_true", help="20 uploads from 5 clients (CI)")
    args = parser.parse_args(argv)
    if args.small:
        args.uploads, args.clients = 20, 5

    with tempfile.TemporaryDirectory(prefix="sopdoc-bench-web-") as tmp:
        ws = init_workspace(Path(tmp) / "ws", "banten")
        keep_periods_open(ws)
        forms = Path(tmp) / "forms"
        forms.mkdir()
        agencies = ws.register().agencies
        port = free_port()
        sopdoc = Path(sys.executable).with_name("sopdoc")
        links = json.loads(subprocess.run(
            [str(sopdoc), "links", "-w", str(ws.root), "--json", "--port", str(port)],
            check=True, capture_output=True).stdout)
        path_of = {link["agency_code"]: urlsplit(link["url"]).path for link in links}
        jobs = []
        for i in range(args.uploads):
            agency = agencies[i % len(agencies)]
            facts = fg.Facts(agency=agency.name, stage="Tahap II", sops=fg.default_sops(5 + i % 10))
            facts.signer = f"Penanda Tangan {i}"  # every form's bytes differ: no duplicates
            path = fg.banten(forms / f"formulir {i:04d}.xlsx", facts)
            jobs.append((path_of[agency.code], path.name, path.read_bytes()))
        print(f"{args.uploads} uploads from {args.clients} concurrent clients, "
              f"forms of {min(len(j[2]) for j in jobs)}-{max(len(j[2]) for j in jobs)} bytes")

        server = subprocess.Popen([str(sopdoc), "serve", "-w", str(ws.root), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_up(port, server)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                results = list(pool.map(lambda job: upload(port, *job), jobs))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

        latencies = sorted(r[0] for r in results)
        p95 = latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)]
        print(f"latency upload->verdict: p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
        print(f"throughput: {len(results) / elapsed:.1f} uploads/s ({elapsed:.1f} s in all)")
        return check(ws, results)


def check(ws, results) -> int:
    """Every upload processed exactly once, nothing lost."""
    problems = []
    statuses = [status for _, status, _ in results]
    if any(s != 200 for s in statuses):
        problems.append(f"HTTP statuses other than 200: {sorted(set(statuses))}")
    outcomes = [answer.get("outcome") for _, _, answer in results]
    numbers = {answer["receipt"]["number"] for _, _, answer in results if answer.get("receipt")}
    store = Store(ws.store_path)
    try:
        files = store.files()
    finally:
        store.close()
    by_sha = {}
    for f in files:
        by_sha.setdefault(f["sha256"], []).append(f)
    if len(numbers) != len(results):
        problems.append(f"{len(numbers)} distinct receipts for {len(results)} uploads")
    if len(files) != len(results) or any(len(v) != 1 for v in by_sha.values()):
        problems.append(f"{len(files)} file records for {len(results)} uploads")
    left = [p.name for p in ws.inbox.iterdir() if not is_ignored(p.name) or p.name.endswith(".part")]
    if left:
        problems.append(f"left in inbox/: {left[:5]}")
    missing = [f["stored_as"] for f in files if not (ws.root / f["stored_as"]).is_file()]
    if missing:
        problems.append(f"recorded but not on disk: {missing[:5]}")
    print("outcomes: " + ", ".join(f"{o} {outcomes.count(o)}" for o in sorted(set(outcomes), key=str)))
    for problem in problems:
        print("PROBLEM: " + problem)
    print("every upload processed exactly once, nothing lost" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
