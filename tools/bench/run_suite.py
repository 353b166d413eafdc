#!/usr/bin/python3
"""The kexport benchmark suite: starts a bare gRPC echo server (the baseline),
Redis and the four services from a release build, runs every scenario with
h2load and/or kexport-loadgen, and prints one table: calls per second, p50
and p99 latency, the ratio to the echo baseline measured by the same
generator just before and after the scenario (the mean of the two), the
target, and the CPU and peak RSS of each service. Two scenarios also show
their ratio to the bare limit of their call's shape, measured just before
them: the echo server answering after a group fdatasync (a durable transfer
without SQL or rules), and after three calls of its own to another echo (a
submission's eligibility calls without the work).
The same figures go to a JSON file so runs can be compared.

    tools/bench.sh                     # builds release, then runs this
    tools/bench/run_suite.py --build-dir build-release --seconds 5
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from kexport_services import KexportServices, free_port  # noqa: E402
from kexportctl_lib import client as ctl  # noqa: E402
from kexportctl_lib import enums  # noqa: E402
from kexportctl_lib import errors  # noqa: E402

SERVICES = ("registry", "designation", "ledger", "applications")
# The bare echo and its two bare limits of a call's shape.
ECHOES = ("echo", "echo-durable", "echo-relay")
ECHO_METHOD = "/kexport.bench.v1.Echo/Echo"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BENCH_ACCOUNT = "bench-2026-budget"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def memory_mb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the current RSS


def timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Suite:
    def __init__(self, args):
        self.args = args
        self.build_dir = os.path.abspath(args.build_dir)
        self.work = tempfile.mkdtemp(prefix="kexport-bench-")
        self.services = KexportServices(self.build_dir, ROOT)
        self.echoes = {}
        self.echo_ports = {name: free_port() for name in ECHOES}
        self.rows = []
        self.baselines = {}
        self.idle_rss = {}
        self.peak_rss = {name: 0.0 for name in SERVICES}
        self.client = None

    # --- processes -------------------------------------------------------
    def start(self):
        shapes = {"echo": [],
                  "echo-durable": [f"--durable_log={os.path.join(self.work, 'durable.log')}"],
                  "echo-relay": [f"--relay_to={self.address('echo')}", "--relay_calls=3"]}
        for name in ECHOES:
            self.echoes[name] = subprocess.Popen(
                [os.path.join(self.build_dir, "tools", "bench", "kexport-bench-echo"),
                 f"--port={self.echo_ports[name]}", "--host=127.0.0.1"] + shapes[name],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.services.__enter__()
        protoset = os.path.join(self.build_dir, "proto", "kexport.protoset")
        addresses = {name: self.services.address(name) for name in SERVICES}
        self.client = ctl.Client(ctl.open_contracts(protoset), addresses, "bench", 120)

    def stop(self):
        self.services.__exit__(None, None, None)
        for echo in self.echoes.values():
            echo.terminate()
            echo.wait()

    def pids(self):
        pids = {name: self.services.processes[name].pid for name in SERVICES}
        pids.update({name: echo.pid for name, echo in self.echoes.items()})
        return pids

    def address(self, name):
        if name in ECHOES:
            return f"127.0.0.1:{self.echo_ports[name]}"
        return self.services.address(name)

    # --- load generators -------------------------------------------------
    def loadgen(self, service, scenario, **flags):
        command = [os.path.join(self.build_dir, "tools", "bench", "kexport-loadgen"),
                   f"--target={self.address(service)}", f"--scenario={scenario}"]
        flags.setdefault("duration", f"{self.args.seconds}s")
        command += [f"--{key}={value}" for key, value in flags.items()]
        done = subprocess.run(command, capture_output=True, text=True)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
        result = json.loads(lines[-1])
        if result["errors"]:
            raise RuntimeError(f"{scenario}: {result['errors']} errors, first: "
                               f"{result['first_error']}")
        return result

    def h2load(self, service, scenario, method, **flags):
        body = os.path.join(self.work, f"{scenario}.body")
        subprocess.run([os.path.join(self.build_dir, "tools", "bench", "kexport-loadgen"),
                        f"--scenario={scenario}", f"--write_body={body}"]
                       + [f"--{key}={value}" for key, value in flags.items()], check=True)
        log = os.path.join(self.work, f"{scenario}.h2load.log")
        if os.path.exists(log):
            os.remove(log)  # h2load appends to its log file
        done = subprocess.run(
            ["h2load", "-D", str(self.args.seconds), "-c", "4", "-m", "32", "-t", "1",
             "-H", "content-type: application/grpc", "-H", "te: trailers",
             "-d", body, f"--log-file={log}", f"http://{self.address(service)}{method}"],
            capture_output=True, text=True)
        succeeded = re.search(r"(\d+) succeeded, (\d+) failed", done.stdout)
        if done.returncode != 0 or not succeeded or int(succeeded.group(2)):
            raise RuntimeError(f"h2load {scenario}: {done.stdout[-1500:]}{done.stderr[-500:]}")
        latencies = []
        with open(log) as entries:
            for entry in entries:
                start, status, elapsed = entry.split("\t")[:3]
                if status == "200":
                    latencies.append(int(elapsed))
        latencies.sort()
        seconds = self.args.seconds
        return {"calls": len(latencies), "errors": 0, "seconds": seconds,
                "rate": len(latencies) / seconds,
                "p50_us": latencies[len(latencies) // 2],
                "p99_us": latencies[int(len(latencies) * 0.99)]}

    # --- measuring -------------------------------------------------------
    def measure(self, name, service, generator, run, target=None, unit_per_call=1,
                compare=True, limit=None):
        """Runs `run()` (a load generator result dict), with each service's
        CPU time and peak RSS over the run, and records a table row; `compare`
        puts the rate next to the echo baseline's, measured by the same
        generator just before and just after the scenario; `limit`, the row
        of the bare limit of the call's shape, adds the ratio to its rate."""
        bracket = compare and service != "echo"
        before = self.echo_rate(generator) if bracket else None
        pids = self.pids()
        for pid in pids.values():
            reset_peak_rss(pid)
        cpu_before = {name_: cpu_seconds(pid) for name_, pid in pids.items()}
        started = time.monotonic()
        result = run()
        elapsed = time.monotonic() - started
        seconds = result.get("seconds") or elapsed
        row = {"scenario": name, "service": service, "generator": generator,
               "rate": result["rate"] * unit_per_call, "calls": result["calls"],
               "seconds": round(seconds, 3), "p50_us": result.get("p50_us"),
               "p99_us": result.get("p99_us"), "target": target,
               "cpu_percent": {n: round(100 * (cpu_seconds(p) - cpu_before[n]) / elapsed, 1)
                               for n, p in pids.items()},
               "peak_rss_mb": {n: round(memory_mb(p, "VmHWM"), 1) for n, p in pids.items()}}
        for service_name in SERVICES:
            self.peak_rss[service_name] = max(self.peak_rss[service_name],
                                              row["peak_rss_mb"][service_name])
        if service == "echo":
            self.baselines[generator] = row["rate"]
        if bracket:
            baseline = (before + self.echo_rate(generator)) / 2
        else:
            baseline = self.baselines.get(generator)
        row["baseline_rate"] = round(baseline, 1) if compare else None
        row["ratio"] = round(row["rate"] / baseline, 3) if baseline and compare else None
        row["limit_ratio"] = round(row["rate"] / limit["rate"], 3) if limit else None
        row["met"] = self.judge(row)
        self.rows.append(row)
        self.print_row(row)
        return row

    def echo_rate(self, generator):
        """The bare echo's rate by `generator` now. These machines are shared:
        a baseline taken minutes earlier can be off by half, so every ratio
        uses one taken around its own scenario."""
        if generator == "h2load":
            return self.h2load("echo", "echo", ECHO_METHOD)["rate"]
        return self.loadgen("echo", "echo")["rate"]

    @staticmethod
    def judge(row):
        target = row["target"]
        if target is None:
            return None
        kind, value = target
        if kind == "ratio":
            return row["ratio"] is not None and row["ratio"] >= value
        return row["seconds"] <= value  # "seconds"

    def print_header(self):
        print(f"{'scenario':44} {'gen':8} {'calls/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'x echo':>7} {'target':>9} {'svc CPU%':>9} {'svc MB':>7} {'x limit':>7}",
              flush=True)

    @staticmethod
    def print_row(row):
        def ms(us):
            return "" if us is None else f"{us / 1000:.2f}"

        def ratio(value):
            return "" if value is None else f"{value:.2f}"
        target = row["target"]
        shown = ("" if target is None else
                 f">={target[1]}x" if target[0] == "ratio" else f"<={target[1]}s")
        verdict = {True: " ok", False: " MISS", None: ""}[row["met"]]
        service = row["service"]
        print(f"{row['scenario']:44} {row['generator']:8} {row['rate']:10.0f} "
              f"{ms(row['p50_us']):>8} {ms(row['p99_us']):>8} "
              f"{ratio(row['ratio']):>7} "
              f"{shown + verdict:>9} {row['cpu_percent'][service]:9.0f} "
              f"{row['peak_rss_mb'][service]:7.1f} "
              f"{ratio(row['limit_ratio']):>7}",
              flush=True)

    # --- scenarios -------------------------------------------------------
    def run(self):
        time.sleep(1)
        self.idle_rss = {name: round(memory_mb(pid, "VmRSS"), 1)
                         for name, pid in self.pids().items()}
        self.print_header()
        self.measure("echo (baseline)", "echo", "h2load",
                     lambda: self.h2load("echo", "echo", ECHO_METHOD))
        self.measure("echo (baseline)", "echo", "loadgen",
                     lambda: self.loadgen("echo", "echo"))

        rows = max(self.args.import_rows, self.args.selection_size, 20000)
        self.measure(f"import {rows:,} firms (stream)", "registry", "loadgen",
                     lambda: dict(self.loadgen("registry", "import_firms", calls=rows),
                                  p50_us=None, p99_us=None),
                     target=("seconds", 60) if rows >= 1_000_000 else None, compare=False)

        distinct = 10000
        if self.wanted("registry"):
            self.registry_scenarios(rows, distinct)
        if self.wanted("ledger"):
            self.ledger_scenarios()
        if self.wanted("designation"):
            self.designation_scenarios(distinct)
        if self.wanted("registry"):
            self.redis_down(distinct)
        if self.wanted("applications"):
            self.submit_and_select()

    def wanted(self, group):
        return not self.args.only or group in self.args.only

    def registry_scenarios(self, rows, distinct):
        self.loadgen("registry", "get_firm", calls=distinct, distinct=distinct)  # warm
        for generator in ("h2load", "loadgen"):
            self.measure("get firm, cache hit", "registry", generator,
                         lambda g=generator: self.h2load(
                             "registry", "get_firm", "/kexport.registry.v1.FirmRegistry/GetFirm")
                         if g == "h2load" else self.loadgen("registry", "get_firm",
                                                             distinct=distinct),
                         target=("ratio", 0.8))
        hit_rate = self.rows[-1]["rate"]
        self.measure(f"get firm, cache hit, open loop {hit_rate / 2:.0f}/s", "registry",
                     "loadgen", lambda: self.loadgen("registry", "get_firm", distinct=distinct,
                                                     rate=int(hit_rate / 2)),
                     compare=False)  # its rate is set: the latency is the figure
        # Each firm once, never cached before; bounded so it ends in seconds.
        misses = min(rows - distinct, 30000)
        self.measure("get firm, cache miss", "registry", "loadgen",
                     lambda: self.loadgen("registry", "get_firm", offset=distinct,
                                          distinct=misses, calls=misses))
        for generator in ("h2load", "loadgen"):
            self.measure("list firms, page of 100", "registry", generator,
                         lambda g=generator: self.h2load(
                             "registry", "list_firms",
                             "/kexport.registry.v1.FirmRegistry/ListFirms")
                         if g == "h2load" else self.loadgen("registry", "list_firms"))
        self.measure("create firm (durable)", "registry", "loadgen",
                     lambda: self.loadgen("registry", "create_firm", offset=rows + 1000))


    def ledger_scenarios(self):
        bare = self.measure("bare durable call, 1 client (limit)", "echo-durable", "loadgen",
                            lambda: self.loadgen("echo-durable", "echo", concurrency=1,
                                                 channels=1))
        self.measure("ledger transfer, 1 client (durable)", "ledger", "loadgen",
                     lambda: self.loadgen("ledger", "transfer", concurrency=1, channels=1,
                                          offset=1), limit=bare)
        bare = self.measure("bare durable call, 64 clients (limit)", "echo-durable", "loadgen",
                            lambda: self.loadgen("echo-durable", "echo", concurrency=64))
        self.measure("ledger transfer, 64 clients (durable)", "ledger", "loadgen",
                     lambda: self.loadgen("ledger", "transfer", concurrency=64, offset=64),
                     target=("ratio", 0.5), limit=bare)
        self.measure("ledger batch of 1,000 (transfers/s)", "ledger", "loadgen",
                     lambda: self.loadgen("ledger", "transfer", concurrency=4, batch=1000,
                                          offset=1000), unit_per_call=1000)


    def designation_scenarios(self, distinct):
        self.loadgen("designation", "get_designation", calls=distinct, distinct=distinct)
        for generator in ("h2load", "loadgen"):
            self.measure("get firm designation, cache hit", "designation", generator,
                         lambda g=generator: self.h2load(
                             "designation", "get_designation",
                             "/kexport.designation.v1.Designations/GetFirmDesignation")
                         if g == "h2load" else self.loadgen("designation", "get_designation",
                                                            distinct=distinct),
                         target=("ratio", 0.8))



    def redis_down(self, distinct):
        redis = self.services.processes["redis"]
        redis.terminate()
        redis.wait()
        try:
            self.measure("get firm, Redis down", "registry", "loadgen",
                         lambda: self.loadgen("registry", "get_firm", distinct=distinct))
        finally:
            self.services.start("redis")

    def submit_and_select(self):
        size = self.args.selection_size
        bare = self.measure("bare call with 3 downstream calls (limit)", "echo-relay",
                            "loadgen", lambda: self.loadgen("echo-relay", "echo"))
        round_name = self.open_bench_round()
        stop = threading.Event()
        extender = threading.Thread(target=self.keep_window_open, args=(round_name, stop))
        extender.start()
        try:
            self.measure(f"submit application ({size:,}, 3 downstream calls)",
                         "applications", "loadgen",
                         lambda: self.loadgen("applications", "submit_application",
                                              calls=size, round=round_name,
                                              support_item="bench-item"),
                         target=("ratio", 0.25), limit=bare)
        finally:
            stop.set()
            extender.join()
        while self.round_state(round_name) != "CLOSED":
            time.sleep(0.2)
        commitment = self.client.call("applications", "PreviewSelectionCommitment",
                                      {"round": round_name, "view": "SELECTION_VIEW_BASIC"})
        eligible = commitment.input_count

        def select():
            # The draw answers its summary; the entries are read in pages
            # (the whole selection of a large round exceeds one message).
            started = time.monotonic()
            selection = self.client.call("applications", "RunSelection", {
                "round": round_name, "seed_value": "1,2,3,4,5,6",
                "expected_inputs_sha256": commitment.inputs_sha256,
                "request_id": "bench-select", "view": "SELECTION_VIEW_BASIC"})
            seconds = time.monotonic() - started
            return {"rate": selection.entry_count / seconds, "calls": selection.entry_count,
                    "seconds": seconds}
        self.measure(f"run selection of {eligible:,} eligible", "applications", "client",
                     select, target=("seconds", 1.0), compare=False)

        def read_entries():
            started = time.monotonic()
            entries, _ = self.client.pages("applications", "ListSelectionEntries",
                                           {"parent": f"{round_name}/selection",
                                            "page_size": 10000}, "entries", 0)
            seconds = time.monotonic() - started
            return {"rate": len(entries) / seconds, "calls": len(entries), "seconds": seconds}
        self.measure(f"read its {eligible:,} entries, pages of 10,000", "applications", "client",
                     read_entries, compare=False)

    def open_bench_round(self):
        """A programme whose eligibility needs the registry and the designation
        service, its funded budget in the ledger, and a round open now."""
        opened = self.client.call("ledger", "CreateAccounts", {"request_id": "bench-accounts", "accounts": [
            {"id": "bench-appropriation", "kind": "ACCOUNT_KIND_APPROPRIATION_SOURCE",
             "fiscal_year": 2026, "balance_limit": "BALANCE_LIMIT_NONE"},
            {"id": BENCH_ACCOUNT, "kind": "ACCOUNT_KIND_PROGRAM_BUDGET", "fiscal_year": 2026,
             "program": "programs/bench",
             "balance_limit": "BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS"}]})
        self.expect_outcomes(opened, "CREATED")
        funded = self.client.call("ledger", "CreateTransfers", {"request_id": "bench-funding", "transfers": [
            {"id": "bench-appropriation", "debit_account": "accounts/bench-appropriation",
             "credit_account": f"accounts/{BENCH_ACCOUNT}", "amount": "100000000000",
             "code": "TRANSFER_CODE_APPROPRIATION", "mode": "TRANSFER_MODE_SINGLE_PHASE"}]})
        self.expect_outcomes(funded, "CREATED")
        self.client.call("applications", "CreateProgram", {
            "program_id": "bench", "request_id": "bench-program", "program": {
                "title_ko": "벤치마크", "title_en": "Benchmark programme",
                "description": "Created by the benchmark suite.", "lead_agency": "AGENCY_PPS",
                "support_items": [{"id": "bench-item", "title": "Benchmark item"}],
                "per_firm_cap_won": "40000000", "per_service_cap_won": "20000000",
                "state_share_bp": 5000,
                "eligibility_rules": [
                    {"id": "semiconductors", "description": "Semiconductor firms",
                     "sector": {"sectors": ["semiconductors"]}},
                    {"id": "not-banned", "description": "Not banned", "not_banned": {}}],
                "apply_gpass_incentives": True, "fiscal_year": 2026,
                "budget_account": f"accounts/{BENCH_ACCOUNT}"}})
        now = datetime.datetime.now(datetime.timezone.utc)
        created = self.client.call("applications", "CreateRound", {
            "parent": "programs/bench", "round_id": "r1", "request_id": "bench-round",
            "round": {"title": "Benchmark round", "description": "Created by the benchmark.",
                      "apply_start_time": timestamp(now - datetime.timedelta(seconds=1)),
                      "apply_end_time": timestamp(now + datetime.timedelta(seconds=20)),
                      "capacity": 1000, "budget_won": "10000000000",
                      "selection_policy": {"weighted_lottery": {"base_weight": 1},
                                           "seed_source": "the benchmark's fixed seed"}}})
        return created.name

    @staticmethod
    def expect_outcomes(response, wanted):
        """The ledger answers a batch with an outcome per item, not an error."""
        for outcome in response.results:
            result = enums.label(outcome, "result")
            if result != wanted:
                raise RuntimeError(f"ledger set-up item {outcome.index}: {result}")

    def round_state(self, round_name):
        round_ = self.client.call("applications", "GetRound", {"name": round_name})
        return enums.label(round_, "state")

    def keep_window_open(self, round_name, stop):
        """Extends the round's window 10 s at a time while submissions run, so
        it closes soon after they end. Stops the suite if it cannot."""
        extension = 0
        while not stop.wait(2):
            round_ = self.client.call("applications", "GetRound", {"name": round_name})
            end = round_.apply_end_time.ToDatetime(datetime.timezone.utc)
            if end - datetime.datetime.now(datetime.timezone.utc) < datetime.timedelta(seconds=8):
                extension += 1
                try:
                    self.client.call("applications", "UpdateRound", {
                        "round": {"name": round_name, "etag": round_.etag,
                                  "apply_end_time": timestamp(
                                      end + datetime.timedelta(seconds=10))},
                        "update_mask": "applyEndTime",  # JSON names a FieldMask in camelCase
                        "request_id": f"bench-extend-{extension}"})
                except errors.CallError as error:
                    errors.report(self.client.contracts, error, False)
                    os._exit(1)

    # --- report ----------------------------------------------------------
    def report(self):
        print("\nRSS per service, MB (target idle <= 30):")
        print(f"{'service':14} {'idle':>7} {'peak under load':>16}")
        for name in SERVICES:
            verdict = "ok" if self.idle_rss[name] <= 30 else "MISS"
            print(f"{name:14} {self.idle_rss[name]:7.1f} {self.peak_rss[name]:16.1f}  {verdict}")
        results = {
            "time": timestamp(datetime.datetime.now(datetime.timezone.utc)),
            "git": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True).stdout.strip(),
            "machine": {"cores": os.cpu_count(), "kernel": platform.release()},
            "seconds_per_scenario": self.args.seconds,
            "baselines": self.baselines, "scenarios": self.rows,
            "idle_rss_mb": self.idle_rss, "peak_rss_mb": self.peak_rss}
        os.makedirs(os.path.dirname(os.path.abspath(self.args.out)), exist_ok=True)
        with open(self.args.out, "w") as out:
            json.dump(results, out, indent=1)
        print(f"\nresults: {self.args.out}")
        missed = [row["scenario"] for row in self.rows if row["met"] is False]
        if missed:
            print("targets missed: " + "; ".join(missed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--seconds", type=int, default=5, help="length of each timed scenario")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--selection-size", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", choices=("registry", "ledger", "designation",
                                                       "applications"),
                        help="run these groups only (the baseline and the import always run)")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-results", f"{stamp}.json"))
    args = parser.parse_args()
    suite = Suite(args)
    suite.start()
    try:
        suite.run()
        suite.report()
    except errors.CallError as error:
        errors.report(suite.client.contracts, error, False)
        sys.exit(1)
    finally:
        suite.stop()


if __name__ == "__main__":
    main()
