"""What oversized requests cost the people asking normal questions at the same time.

    .venv/bin/python -m tests.hostile_load            # `python app.py` on ./index (built if missing)
    .venv/bin/python -m tests.hostile_load --json

Starts `python app.py` as a user does, in its own process, so that its resident memory is the
app's alone. Then it measures a normal question's time over HTTP and the app's RSS:
- idle;
- burst: each question sent together with 8 requests of 2 MB (a 2 MB history item), which the
  HTTP wall refuses: the issue's "eight concurrent 2 MB requests";
- flood: while 8 clients send 2 MB requests back to back, as fast as they are refused;
- flood under the wall: 8 clients sending 0.95 MB requests back to back, under the wall's limit,
  whose last history item is one character over the question limit, so that every one is parsed
  and refused by the limits;
and how long a 10 MB history item takes to be refused, sent as curl sends it (`Expect:
100-continue`, so that the refusal comes before the body) and sent whole regardless.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from rag.limits import MAX_QUESTION_CHARS
from tests.conftest import ROOT, free_port

NORMAL_QUESTION = "Siapa Wali Kota Kisarazu?"
HOSTILE_CLIENTS = 8


@dataclass(frozen=True)
class Phase:
    name: str
    question_p50_ms: float
    question_max_ms: float
    rss_peak_mb: float
    rss_after_mb: float
    # The app process's CPU time (user + system) per normal question, hostile requests included:
    # what the flood costs the server itself, apart from the load generator sharing its cores.
    app_cpu_ms_per_question: float
    hostile_requests: int
    hostile_refused: int


def post(url: str, body: bytes, timeout: float = 120.0, api: str = "ask") -> tuple[int, dict]:
    """Status and JSON of one positional API call; a refusal's body is read, not raised."""
    request = urllib.request.Request(url + f"gradio_api/call/{api}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            event_id = json.loads(response.read())["event_id"]
    except urllib.error.HTTPError as refused:
        return refused.code, {"error": refused.read().decode()}
    with urllib.request.urlopen(f"{url}gradio_api/call/{api}/{event_id}", timeout=timeout) as stream:
        lines = [line[6:] for line in stream.read().decode().splitlines() if line.startswith("data: ")]
    return 200, json.loads(lines[-1])[0]


def post_expecting_continue(url: str, body: bytes) -> tuple[int, str]:
    """As curl posts a large body: headers with `Expect: 100-continue`, the body only if the server
    says to go on. Returns the status and text of the answer to the headers."""
    host, port = url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/gradio_api/call/ask")
        for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("Expect", "100-continue")):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def ask_body(question: str, history: list[str]) -> bytes:
    return json.dumps({"data": [question, history, None, None, None]}).encode()


def timed_question(url: str) -> float:
    started = time.perf_counter()
    status, answer = post(url, ask_body(NORMAL_QUESTION, []))
    if status != 200 or answer.get("abstained", True):
        raise RuntimeError(f"the normal question was not answered: {status} {answer}")
    return (time.perf_counter() - started) * 1000


def cpu_ms(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def running_app(index: str | None):
    port = free_port()
    command = [sys.executable, "app.py", "--port", str(port)] + (["--index", index] if index else [])
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                urllib.request.urlopen(url + "config", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"app.py did not start: {process.stderr.read()[-2000:]}") from None
                time.sleep(0.5)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def phase(name: str, url: str, pid: int, questions: int, hostile_body: bytes | None = None, burst: bool = False) -> Phase:
    """`questions` normal questions, one after another. With `hostile_body`, 8 clients post it: once
    with each question, at the same moment (`burst`), or back to back for the whole phase."""
    stop, counts, peak = threading.Event(), {"sent": 0, "refused": 0}, [rss_mb(pid)]
    lock = threading.Lock()
    together = threading.Barrier(HOSTILE_CLIENTS + 1, timeout=120) if burst else None

    def hostile_client():
        for _ in range(questions) if burst else iter(int, 1):
            if together is not None:
                together.wait()
            if stop.is_set():
                return
            try:
                status, answer = post(url, hostile_body)
            except OSError as closed:  # a refusal may also close the connection while the body is sent
                status, answer = 0, {"error": repr(closed)}
            with lock:
                counts["sent"] += 1
                counts["refused"] += status in (0, 413) or "error" in answer

    def question() -> float:
        if together is not None:
            together.wait()
        return timed_question(url)

    def sample_memory():
        while not stop.is_set():
            peak.append(rss_mb(pid))
            time.sleep(0.05)

    workers = [threading.Thread(target=sample_memory)]
    if hostile_body is not None:
        workers += [threading.Thread(target=hostile_client) for _ in range(HOSTILE_CLIENTS)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5 if hostile_body is not None and not burst else 0)  # let a flood start first
        cpu_before = cpu_ms(pid)
        seconds = [question() for _ in range(questions)]
        cpu_spent = cpu_ms(pid) - cpu_before
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=120)
    return Phase(name, round(statistics.median(seconds), 1), round(max(seconds), 1), round(max(peak), 1),
                 round(rss_mb(pid), 1), round(cpu_spent / questions, 1), counts["sent"], counts["refused"])


def measure(index: str | None = None, questions: int = 30) -> dict:
    item = "x" * MAX_QUESTION_CHARS
    two_mb = ask_body("Siapa?", ["x" * 2_000_000])
    under_the_wall = ask_body("Siapa?", [item] * 470 + [item + "x"])  # 0.95 MB, refused by the history limit
    with running_app(index) as (url, pid):
        for _ in range(3):
            timed_question(url)  # the first questions load what stays loaded
        phases = [phase("idle", url, pid, questions),
                  phase("burst: 8 × 2 MB with each", url, pid, questions, two_mb, burst=True),
                  phase("flood: 8 clients of 2 MB", url, pid, questions, two_mb),
                  phase("flood: 8 clients of 0.95 MB", url, pid, questions, under_the_wall),
                  phase("idle again", url, pid, questions)]
        ten_mb = ask_body("Siapa?", ["x" * 10_000_000])
        started = time.perf_counter()
        status, message = post_expecting_continue(url, ten_mb)
        ten_mb_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        try:
            plain_status, _ = post(url, ten_mb)
        except OSError as closed:
            plain_status = repr(closed)
        plain_ms = (time.perf_counter() - started) * 1000
    return {"phases": [asdict(p) for p in phases],
            "ten_mb_history": {"status": status, "ms": round(ten_mb_ms, 1), "message": message},
            "ten_mb_history_sent_whole": {"status": plain_status, "ms": round(plain_ms, 1)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=None, help="index folder (default ./index, built when missing)")
    parser.add_argument("--questions", type=int, default=30, help="normal questions per phase")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args.index, args.questions)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    idle = result["phases"][0]
    for p in result["phases"]:
        print(f"{p['name']:28} question p50 {p['question_p50_ms']:6.0f} ms ({p['question_p50_ms'] / idle['question_p50_ms']:.2f}× idle), "
              f"max {p['question_max_ms']:6.0f} ms; RSS peak {p['rss_peak_mb']:6.0f} MB, after {p['rss_after_mb']:6.0f} MB "
              f"({p['rss_after_mb'] / idle['rss_after_mb']:.2f}× idle); app CPU {p['app_cpu_ms_per_question']:.0f} ms a question; "
              f"{p['hostile_refused']}/{p['hostile_requests']} refused")
    ten, whole = result["ten_mb_history"], result["ten_mb_history_sent_whole"]
    print(f"10 MB history item, Expect: 100-continue: HTTP {ten['status']} in {ten['ms']:.0f} ms: {ten['message']}")
    print(f"10 MB history item, body sent regardless: {whole['status']} in {whole['ms']:.0f} ms")


if __name__ == "__main__":
    main()
