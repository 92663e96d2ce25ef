#!/usr/bin/env python3
"""Load test of Mutualis with wrk (see README.md next to this file).

Builds the server and the bare handler in the `bench` profile (release optimisations),
starts the server on a fresh SQLite file with the demo cooperative, pinned to one core,
signs the demo accounts in, and runs wrk pinned to the other core on each scenario:
a warm-up, then ROUNDS runs of DURATION seconds; the table gives the median of the
rounds. `--caches both` measures the same binary with its caches off (before) and on
(after) in the same run; `--soak SECONDS` then runs the mix for that long, minute by
minute, and reports each minute's p99, the errors and the server's memory.

Python's standard library only; wrk and taskset from Debian (`apt-get install wrk`).
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PASSWORD = "Mutualis-demo-2026"
SERVER_PORT = 5170
BARE_PORT = 5171


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def cargo_executable(args, target_name):
    """Builds with cargo and returns the path of `target_name`'s executable."""
    out = subprocess.run(
        ["cargo", *args, "--message-format=json-render-diagnostics"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    exe = None
    for line in out.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (
            msg.get("reason") == "compiler-artifact"
            and msg.get("target", {}).get("name") == target_name
            and msg.get("executable")
        ):
            exe = msg["executable"]
    if not exe:
        sys.exit(f"no executable for {target_name}")
    return exe


def wait_http(url, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"{url} did not answer within {timeout} s")


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """A process pinned to one core, stopped on exit."""

    def __init__(self, cmd, env, cpu, logfile):
        self.log = open(logfile, "w")
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(cpu), *cmd],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- signing in -------------------------------------------------------------------


def api_token(base, email):
    req = urllib.request.Request(
        base + "/api/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req) as r:
        return json.load(r)["token"]


def web_session(base, email):
    """Signs in through the login form; returns (opener, Cookie header)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf": csrf})
    opener.open(base + "/login", form.encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "mutualis_session=" not in cookie:
        sys.exit(f"{email}: no session after the login form")
    return opener, cookie


def api_key(base, opener):
    """Creates an API key on /coop/api-keys (as the cooperative's admin)."""
    html = opener.open(base + "/coop/api-keys").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"name": f"load-{time.time_ns()}", "csrf": csrf})
    html = opener.open(base + "/coop/api-keys", form.encode()).read().decode()
    m = re.search(r'<code id="nouvelle-cle">([^<]+)</code>', html)
    if not m:
        sys.exit("no API key on /coop/api-keys")
    return m.group(1).strip()


# --- scenarios --------------------------------------------------------------------


class Scenario:
    def __init__(self, key, label, url, headers=(), script=None, connections=16, expect=""):
        self.key, self.label, self.url = key, label, url
        self.headers, self.script = list(headers), script
        self.connections, self.expect = connections, expect


def scenarios(base, bare_base):
    log("signing the demo accounts in…")
    _, rh = web_session(base, "rh@tilleuls.example")
    _, board = web_session(base, "ca@coop.example")
    _, dpo = web_session(base, "dpo@coop.example")
    _, director = web_session(base, "directeur@tilleuls.example")
    admin_opener, _ = web_session(base, "admin@coop.example")
    token = api_token(base, "rh@tilleuls.example")
    key = api_key(base, admin_opener)
    q = urllib.parse.quote("accueil")
    out = [
        Scenario(
            "login",
            "Connexion (`POST /api/auth/login`, argon2)",
            base + "/api/auth/login",
            ["Content-Type: application/json"],
            HERE / "login.lua",
            connections=2,
            expect='"token"',
        ),
        Scenario(
            "employees_api",
            "Salariés, API (`GET /api/m/tilleuls/hr/employees`)",
            base + "/api/m/tilleuls/hr/employees",
            [f"Authorization: Bearer {token}"],
            expect='"matricule"',
        ),
        Scenario(
            "employees_page",
            "Salariés, page (`GET /m/tilleuls/hr`)",
            base + "/m/tilleuls/hr",
            [f"Cookie: {rh}"],
            expect="<table",
        ),
        Scenario(
            "billing_review",
            "Revue de facturation du conseil (`GET /coop/billing`)",
            base + "/coop/billing",
            [f"Cookie: {board}"],
            expect="<main",
        ),
        Scenario(
            "usage_api",
            "Événements d’usage, lots de 100 (`POST /api/usage/events`)",
            base + "/api/usage/events",
            [f"X-Api-Key: {key}", "Content-Type: application/json"],
            HERE / "usage.lua",
            connections=4,
            expect='"accepted"',
        ),
        Scenario(
            "dpo_desk",
            "Bureau du DPO (`GET /coop/gdpr`)",
            base + "/coop/gdpr",
            [f"Cookie: {dpo}"],
            expect="<main",
        ),
        Scenario(
            "practices_search",
            "Recherche de pratiques (`GET /m/tilleuls/practices?q=accueil`)",
            base + f"/m/tilleuls/practices?q={q}",
            [f"Cookie: {director}"],
            expect="<main",
        ),
    ]
    if bare_base:
        out.insert(
            2,
            Scenario(
                "bare",
                "Limite : même requête, handler axum nu, sans authentification",
                bare_base + "/bare/employees",
                expect='"matricule"',
            ),
        )
    return out


def check(s):
    """One request like wrk's: 2xx and the expected text (not a login page)."""
    headers = dict(h.split(": ", 1) for h in s.headers)
    data = None
    if s.key == "login":
        data = json.dumps({"email": "rh@tilleuls.example", "password": PASSWORD}).encode()
    if s.key == "usage_api":
        data = json.dumps(
            {
                "events": [
                    {
                        "id": f"load-check-{time.time_ns()}",
                        "member": "tilleuls",
                        "meter": "it.support_hours",
                        "quantity": "0.25",
                        "occurred_at": "2026-11-10T10:00:00Z",
                    }
                ]
            }
        ).encode()
    req = urllib.request.Request(s.url, data=data, headers=headers)
    with urllib.request.urlopen(req) as r:
        body = r.read().decode()
        if r.status >= 300 or s.expect not in body or 'action="/login"' in body:
            sys.exit(f"{s.key}: unexpected answer {r.status}: {body[:300]}")


# --- wrk --------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk_cmd(s, seconds, cpu):
    cmd = ["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{s.connections}", f"-d{seconds}s",
           "--latency", "--timeout", "10s"]
    for h in s.headers:
        cmd += ["-H", h]
    if s.script:
        cmd += ["-s", str(s.script)]
    cmd.append(s.url)
    return cmd


def parse_wrk(s, out):
    """wrk's summary: requests/s, p50 and p99 (ms), errors (non-2xx/3xx, socket errors)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if "50" not in lat or "99" not in lat:
        sys.exit(f"{s.key}: wrk gave no latency distribution:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": to_ms(lat["50"]), "p99": to_ms(lat["99"]),
            "errors": errors, "requests": total}


def wrk(s, seconds, cpu):
    out = subprocess.run(wrk_cmd(s, seconds, cpu), check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    return parse_wrk(s, out)


def measure(s, args):
    wrk(s, args.warmup, args.client_cpu)
    rounds = [wrk(s, args.duration, args.client_cpu) for _ in range(args.rounds)]
    res = {
        "rps": statistics.median(r["rps"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": statistics.median(r["p99"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "rounds": rounds,
    }
    log(f"  {s.key}: {res['rps']:.0f} req/s, p50 {res['p50']:.2f} ms, p99 {res['p99']:.2f} ms, "
        f"errors {res['errors']}")
    return res


# --- runs -------------------------------------------------------------------------


def start_server(cli, work, caches, cpu):
    env = {
        "LOCO_ENV": "development",
        "DATABASE_URL": f"sqlite://{work}/load.sqlite?mode=rwc",
        "PORT": str(SERVER_PORT),
        "CACHES": "true" if caches else "false",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "info"),
        "PRACTICES_INDEX_DIR": str(work / "index"),
    }
    stamp = time.strftime("%H%M%S")
    srv = Server([cli, "start"], env, cpu, work / f"server-caches-{caches}-{stamp}.log")
    wait_http(f"http://127.0.0.1:{SERVER_PORT}/login")
    return srv


def soak(cli, work, args):
    """The mix for args.soak seconds, minute by minute, caches on."""
    srv = start_server(cli, work, True, args.server_cpu)
    base = f"http://127.0.0.1:{SERVER_PORT}"
    mix = [s for s in scenarios(base, None) if s.key != "login"]
    for s in mix:
        s.connections = 4
        if s.key == "usage_api" and args.soak_pace:
            # A cooperative's ingestion, not a storm: each connection pauses between
            # batches (usage_paced.lua reads USAGE_DELAY_MS).
            s.script = HERE / "usage_paced.lua"
            os.environ["USAGE_DELAY_MS"] = str(args.soak_pace)
        check(s)
    minutes = []
    try:
        rss0 = rss_kib(srv.proc.pid)
        for i in range(max(1, args.soak // 60)):
            procs = [(s, subprocess.Popen(wrk_cmd(s, 60, args.client_cpu),
                                          stdout=subprocess.PIPE, text=True)) for s in mix]
            row = {"minute": i + 1}
            for s, p in procs:
                row[s.key] = parse_wrk(s, p.communicate()[0])
            row["rss_mib"] = rss_kib(srv.proc.pid) / 1024
            minutes.append(row)
            log(f"  minute {i + 1}: rss {row['rss_mib']:.0f} MiB, "
                + ", ".join(f"{s.key} p99 {row[s.key]['p99']:.1f} ms" for s in mix))
    finally:
        srv.stop()
    return {"rss_start_mib": rss0 / 1024, "minutes": minutes, "keys": [s.key for s in mix],
            "labels": {s.key: s.label for s in mix}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--caches", choices=["on", "off", "both"], default="both")
    ap.add_argument("--only", help="comma-separated scenario keys")
    ap.add_argument("--duration", type=int, default=int(os.environ.get("LOAD_DURATION", 30)))
    ap.add_argument("--warmup", type=int, default=int(os.environ.get("LOAD_WARMUP", 5)))
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("LOAD_ROUNDS", 3)))
    ap.add_argument("--soak", type=int, default=0, help="seconds of the mix (600 = 10 min)")
    ap.add_argument("--soak-pace", type=int, default=0,
                    help="ms each usage connection waits between batches in the soak (0: none)")
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--out", help="write the raw results as JSON there")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: sudo apt-get install -y wrk util-linux")

    log("building (bench profile)…")
    build = ["build", "--profile", "bench", "--features", "load-bench",
             "--bin", "mutualis-cli", "--bin", "load_bare"]
    cli = cargo_executable(build, "mutualis-cli")
    bare_exe = cargo_executable(build, "load_bare")
    work = Path(tempfile.mkdtemp(prefix="mutualis-load-"))
    results = {"config": vars(args), "runs": {}}
    modes = {"both": [False, True], "on": [True], "off": [False]}[args.caches]
    only = set(args.only.split(",")) if args.only else None
    try:
        for caches in modes:
            log(f"server with caches {'on' if caches else 'off'}…")
            srv = start_server(cli, work, caches, args.server_cpu)
            bare = None
            try:
                base = f"http://127.0.0.1:{SERVER_PORT}"
                bare_base = None
                if caches:
                    bare = Server(
                        [bare_exe],
                        {"LOAD_DATABASE_URL": f"sqlite://{work}/load.sqlite?mode=rwc",
                         "LOAD_BARE_PORT": str(BARE_PORT), "LOG_LEVEL": "warn"},
                        args.server_cpu, work / "bare.log")
                    bare_base = f"http://127.0.0.1:{BARE_PORT}"
                    wait_http(bare_base + "/bare/employees")
                run = {}
                for s in scenarios(base, bare_base):
                    if only and s.key not in only:
                        continue
                    check(s)
                    run[s.key] = {"label": s.label, **measure(s, args)}
                run["rss_mib"] = rss_kib(srv.proc.pid) / 1024
                results["runs"]["on" if caches else "off"] = run
            finally:
                if bare:
                    bare.stop()
                srv.stop()
        if args.soak:
            log(f"soak: {args.soak} s of the mix…")
            results["soak"] = soak(cli, work, args)
    finally:
        if args.out:
            Path(args.out).write_text(json.dumps(results, indent=2))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results))


def report(results):
    lines = []
    runs = results["runs"]
    keys = []
    for run in runs.values():
        for k, v in run.items():
            if isinstance(v, dict) and k not in keys:
                keys.append(k)
    cfg = results["config"]
    lines.append(f"warm-up {cfg['warmup']} s, {cfg['rounds']} × {cfg['duration']} s per line; "
                 "median of the rounds; server on one core, wrk (1 thread) on the other")
    lines.append("")
    head = "| Scénario | conn. |"
    sep = "|---|---:|"
    for mode in runs:
        tag = "avant (caches off)" if mode == "off" else "après (caches on)"
        head += f" req/s {tag} | p50 ms | p99 ms | erreurs |"
        sep += "---:|---:|---:|---:|"
    lines += [head, sep]
    for k in keys:
        label = next(r[k]["label"] for r in runs.values() if k in r)
        conns = {"login": 2, "usage_api": 4}.get(k, 16)
        row = f"| {label} | {conns} |"
        for run in runs.values():
            if k in run:
                r = run[k]
                rps = f"{r['rps']:,.0f}".replace(",", "\u202f")
                row += f" {rps} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |"
            else:
                row += " – | – | – | – |"
        lines.append(row)
    for mode, run in runs.items():
        lines.append(f"\nserver memory after the {mode} run: {run['rss_mib']:.0f} MiB")
    on = runs.get("on", {})
    if "bare" in on and "employees_api" in on:
        ratio = on["employees_api"]["rps"] / on["bare"]["rps"]
        lines.append(f"authenticated list / bare handler: {ratio:.0%}")
    if "soak" in results:
        s = results["soak"]
        lines.append("")
        lines.append("| minute | " + " | ".join(f"{k} req/s · p99 ms" for k in s["keys"])
                     + " | erreurs | RSS MiB |")
        lines.append("|---:|" + "---:|" * (len(s["keys"]) + 2))
        for m in s["minutes"]:
            errs = sum(m[k]["errors"] for k in s["keys"])
            lines.append(f"| {m['minute']} | "
                         + " | ".join(f"{m[k]['rps']:.0f} · {m[k]['p99']:.1f}" for k in s["keys"])
                         + f" | {errs} | {m['rss_mib']:.0f} |")
        first, last = s["minutes"][0], s["minutes"][-1]
        for k in s["keys"]:
            drift = last[k]["p99"] / first[k]["p99"] - 1 if first[k]["p99"] else 0
            lines.append(f"- {k}: p99 last minute vs first {drift:+.0%}")
        lines.append(f"- RSS: {s['rss_start_mib']:.0f} MiB at start, "
                     f"{s['minutes'][-1]['rss_mib']:.0f} MiB at the end")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
