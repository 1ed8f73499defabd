#!/usr/bin/env python3
"""kexit's runtime suite: run each case's failing and fixed image on the real Docker Engine and
check that what the engine did is what kexit predicts for the same Dockerfile / Compose file.

    python3 tests/runtime/run.py [--kexit PATH] [--jobs N] [--write-observed] [CASE...]

Each case is a directory under tests/runtime/cases/ with a case.toml and one build context per
variant (usually `fail/` and `fix/`). For every variant the suite
  1. copies the context to a scratch directory, adds the static programs and generated files,
  2. runs `kexit lint <dir> --format json` on it,
  3. builds and runs it (docker build + run/stop/healthcheck, or docker-compose),
  4. checks the engine's outcome against the case's `expect` (the observation), and kexit's findings
     against the case's `kexit` (rule and exit code): MATCH, MISMATCH or NO PREDICTION YET.
A variant marked `pending = "<why>"` reports a mismatch without failing (kexit does not make that
prediction yet); every other mismatch fails the run. The observed outcomes are the committed table
tests/runtime/OBSERVED.md; a run fails when that table is not current (--write-observed rewrites it).
Exit status: 0 all good, 1 a case failed, 3 no Docker daemon (the caller prints that it skipped).
"""

import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
import images  # noqa: E402

CASES = HERE / "cases"
OBSERVED = HERE / "OBSERVED.md"
# Unique per run: two runs on one engine (two checkouts, two CI jobs) never share a name.
PREFIX = f"kxrt{os.getpid()}"


def sh(cmd, timeout=120, **kw):
    return subprocess.run(cmd, text=True, capture_output=True, timeout=timeout, **kw)


def daemon_answers() -> bool:
    try:
        return sh(["docker", "info", "--format", "{{.ServerVersion}}"], timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def compose_cmd():
    for cand in (["docker-compose"], ["docker", "compose"]):
        try:
            if sh([*cand, "version"], timeout=30).returncode == 0:
                return cand
        except OSError:
            continue
    return None


def engine_facts(compose):
    info = json.loads(sh(["docker", "info", "--format", "{{json .}}"]).stdout)
    ver = json.loads(sh(["docker", "version", "--format", "{{json .}}"]).stdout)
    server = ver.get("Server") or {}
    comps = {c.get("Name"): c.get("Version") for c in server.get("Components") or []}
    facts = {
        "engine": server.get("Version", "?"),
        "containerd": comps.get("containerd", "?"),
        "runc": comps.get("runc", "?"),
        "docker-init": comps.get("docker-init", "?"),
        "cgroup": f"v{info.get('CgroupVersion', '?')} ({info.get('CgroupDriver', '?')} driver)",
        "storage": info.get("Driver", "?"),
        "kernel": info.get("KernelVersion", "?"),
        "memory limit support": str(info.get("MemoryLimit")).lower(),
        "swap limit support": str(info.get("SwapLimit")).lower(),
        "--oom-kill-disable supported": str(info.get("OomKillDisable")).lower(),
        "compose": "none",
    }
    if compose:
        out = sh([*compose, "version", "--short"]).stdout.strip() or "?"
        facts["compose"] = f"{' '.join(compose)} {out}"
    return facts


def runc_before_1_2(version: str) -> bool:
    m = re.match(r"(\d+)\.(\d+)", version)
    return bool(m) and (int(m.group(1)), int(m.group(2))) < (1, 2)


class Variant:
    def __init__(self, case, spec):
        self.case = case
        self.name = spec["name"]
        self.spec = spec
        self.kind = spec.get("kind", "run")
        self.tag = f"{PREFIX}/{case.name}-{self.name}"
        self.project = re.sub(r"[^a-z0-9]", "", f"{PREFIX}{case.name}{self.name}")


class Case:
    def __init__(self, d: Path):
        self.dir = d
        self.name = d.name
        self.spec = tomllib.loads((d / "case.toml").read_text())
        self.title = self.spec.get("title", self.name)
        self.variants = [Variant(self, v) for v in self.spec.get("variant", [])]


def prepare(v: Variant, bins: dict, work: Path) -> Path:
    ctx = work / f"{v.case.name}-{v.name}"
    shutil.copytree(v.case.dir / v.spec.get("dir", v.name), ctx)
    for b in v.spec.get("bins", []):
        name, _, dest = b.partition(":")
        shutil.copy(bins[name], ctx / (dest or name))
        os.chmod(ctx / (dest or name), 0o755)
    for g in v.spec.get("generate", []):
        p = ctx / g["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(g["text"].encode("utf-8"))
    for g in v.spec.get("mkdir", []):
        (ctx / g).mkdir(parents=True, exist_ok=True)
    for path, mode in v.spec.get("chmod", {}).items():
        os.chmod(ctx / path, int(mode, 8))
    return ctx


def kexit_findings(kexit: str, ctx: Path):
    r = sh([kexit, "lint", ".", "--format", "json", "--fail-level", "none"], cwd=ctx, timeout=60)
    try:
        return json.loads(r.stdout).get("findings", []), None
    except json.JSONDecodeError:
        return [], f"kexit printed no JSON (exit {r.returncode}): {r.stderr.strip()[:200]}"


def inspect(cid: str) -> dict:
    r = sh(["docker", "inspect", cid])
    if r.returncode != 0:
        return {}
    data = json.loads(r.stdout)
    return data[0].get("State", {}) if data else {}


def wait_exit(cid: str, limit: float) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        st = inspect(cid)
        if st.get("Status") in ("exited", "dead") or (st.get("Status") == "created" and st.get("Error")):
            return st
        time.sleep(0.2)
    return inspect(cid)


def wait_running(cid: str, limit: float = 10.0) -> dict:
    deadline = time.monotonic() + limit
    st = {}
    while time.monotonic() < deadline:
        st = inspect(cid)
        if st.get("Running") or st.get("Status") in ("exited", "dead"):
            break
        time.sleep(0.1)
    return st


def wait_health(cid: str, limit: float) -> dict:
    started = time.monotonic()
    deadline = started + limit
    st = {}
    while time.monotonic() < deadline:
        st = inspect(cid)
        status = (st.get("Health") or {}).get("Status")
        if status in ("healthy", "unhealthy") or st.get("Status") in ("exited", "dead"):
            break
        if st.get("Running") and not st.get("Health") and time.monotonic() - started > 3:
            break  # no healthcheck configured (or NONE)
        time.sleep(0.3)
    return st


def oom_event(cid: str, started_at: str) -> bool:
    """Whether the engine logged an `oom` event for the container since it started.

    State.OOMKilled alone is not reliable: the daemon takes it from the runtime's OOM event, which
    can arrive after the exit event it belongs to (moby/moby#41929, containerd/containerd#6323;
    seen here as exit 137 with OOMKilled false). The `oom` event in the engine's event log is
    emitted whichever arrives first."""
    since = started_at or "10m"
    for _ in range(3):
        r = sh(["docker", "events", "--since", since, "--until", str(int(time.time()) + 1),
                "--filter", f"container={cid}", "--filter", "event=oom", "--format", "{{.Action}}"],
               timeout=30)
        if r.returncode == 0 and "oom" in r.stdout.split():
            return True
        time.sleep(0.5)
    return False


def outcome_of(st: dict, extra=None, cid=None) -> dict:
    oom = bool(st.get("OOMKilled"))
    if not oom and cid and st.get("ExitCode") == 137:
        oom = oom_event(cid, st.get("StartedAt") or "")
    out = {
        "status": st.get("Status"),
        "exit": st.get("ExitCode"),
        "oom": oom,
        "error": (st.get("Error") or "").replace("\n", " "),
    }
    health = st.get("Health")
    if health:
        out["health"] = health.get("Status")
        logs = health.get("Log") or []
        if logs:
            out["health_exit"] = logs[-1].get("ExitCode")
            out["health_output"] = (logs[-1].get("Output") or "").strip().replace("\n", " ")[:160]
    out.update(extra or {})
    if cid and not out["error"] and out["exit"] not in (0, None) and "health" not in out:
        # The message of a failure inside the started container is in its output.
        logs = sh(["docker", "logs", "--tail", "3", cid])
        lines = (logs.stderr + logs.stdout).strip().splitlines()
        out["output"] = lines[-1][:160] if lines else ""
    return out


def stop_and_measure(stop_cmd, timeout_s: int, cid: str, cwd=None) -> dict:
    st = wait_running(cid)
    if not st.get("Running"):
        return outcome_of(st, {"stop": "exited before stop"})
    time.sleep(1.0)  # let PID 1 start its program
    t0 = time.monotonic()
    r = sh(stop_cmd, timeout=timeout_s + 60, cwd=cwd)
    elapsed = time.monotonic() - t0
    if r.returncode != 0:
        return outcome_of(inspect(cid), {"stop": f"stop failed: {r.stderr.strip()[-200:]}"})
    st = wait_exit(cid, 30)
    if st.get("Running"):
        return outcome_of(st, {"stop": "still running 30 s after stop"})
    # Killed at the timeout: SIGKILL (137) once the timeout ran out. A container that exits with
    # another code was stopped by its stop signal, however long a loaded CLI took to return.
    killed = elapsed >= timeout_s - 0.25 and st.get("ExitCode") == 137
    return outcome_of(st, {"stop_killed": killed, "stop_seconds": round(elapsed, 1),
                           "stop_timeout": timeout_s})


def run_docker(v: Variant, ctx: Path) -> dict:
    # --no-cache (here and for Compose): a cached step would reuse another variant's or another
    # run's intermediate image, which `docker-compose down --rmi local` or the final `docker rmi`
    # may delete mid-build ("failed to get digest sha256:…: no such file or directory").
    b = sh(["docker", "build", "--no-cache", "-q", "-t", v.tag, "."], cwd=ctx, timeout=300)
    if b.returncode != 0:
        return {"build_error": (b.stderr.strip().splitlines() or ["?"])[-1]}
    name = v.project
    sh(["docker", "rm", "-f", name])
    args = v.spec.get("run_args", [])
    cmd = v.spec.get("cmd", [])
    try:
        if v.kind == "run":
            r = sh(["docker", "run", "--name", name, *args, v.tag, *cmd], timeout=120)
            if not inspect(name):
                return not_created(r)
            out = outcome_of(wait_exit(name, 30), {"cli_exit": r.returncode}, cid=name)
            if r.returncode != out["exit"]:
                out["note"] = f"docker run exited {r.returncode}"
            return out
        if v.kind == "stop":
            t = int(v.spec.get("stop_timeout", 2))
            r = sh(["docker", "run", "-d", "--name", name, *args, v.tag, *cmd])
            if r.returncode != 0:
                return outcome_of(inspect(name), {"cli_exit": r.returncode})
            return stop_and_measure(["docker", "stop", "-t", str(t), name], t, name)
        if v.kind == "health":
            r = sh(["docker", "run", "-d", "--name", name, *args, v.tag, *cmd])
            if r.returncode != 0:
                return outcome_of(inspect(name), {"cli_exit": r.returncode})
            return outcome_of(wait_health(name, float(v.spec.get("health_wait", 20))))
        raise ValueError(f"unknown kind {v.kind}")
    finally:
        sh(["docker", "rm", "-f", name])


def not_created(r) -> dict:
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip() and "--help" not in ln]
    # docker-compose ends with a generic line; its `ERROR: for <service>` line has the reason.
    specific = [ln for ln in lines if ln.startswith("ERROR: for ")]
    msg = (specific or lines or [""])[-1]
    msg = re.sub(r"^ERROR: for \S+\s+", "", msg)
    msg = re.sub(r"^(docker: )?Error response from daemon: ", "", msg.strip())
    return {"created": False, "cli_exit": r.returncode, "error": msg, "exit": None}


def compose_container(project: str, service: str):
    r = sh(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={project}",
            "--filter", f"label=com.docker.compose.service={service}"])
    ids = r.stdout.split()
    return ids[0] if ids else None


def run_compose(v: Variant, ctx: Path, compose) -> dict:
    base = [*compose, "-p", v.project]
    service = v.spec.get("service", "app")
    try:
        built = sh([*base, "build", "--no-cache"], cwd=ctx, timeout=300)
        if built.returncode != 0:
            return {"build_error": (built.stderr.strip().splitlines() or ["?"])[-1]}
        up = sh([*base, "up", "-d", "--no-build"], cwd=ctx, timeout=300)
        cid = compose_container(v.project, service)
        if not cid:
            if sh(["docker", "image", "inspect", f"{v.project}_{service}"]).returncode == 0:
                return not_created(up)  # built, but the engine refused to create the container
            return {"build_error": (up.stderr.strip().splitlines() or ["?"])[-1]}
        if v.kind == "compose-run":
            return outcome_of(wait_exit(cid, 60), {"cli_exit": up.returncode}, cid=cid)
        if v.kind == "compose-stop":
            t = int(v.spec.get("stop_timeout", 2))
            return stop_and_measure([*base, "stop"], t, cid, cwd=ctx)
        if v.kind == "compose-health":
            return outcome_of(wait_health(cid, float(v.spec.get("health_wait", 20))))
        raise ValueError(f"unknown kind {v.kind}")
    finally:
        sh([*base, "down", "-v", "--rmi", "local", "-t", "1"], cwd=ctx, timeout=120)


def check_observation(v: Variant, out: dict, runc_old: bool):
    """The engine's outcome against the case's `expect`. Returns (ok, problems)."""
    if "build_error" in out:
        return False, [f"build failed: {out['build_error']}"]
    problems = []
    for key, want in v.spec.get("expect", {}).items():
        got = out.get(key)
        if key == "exit" and want == 255 and runc_old:
            want = 1  # runc < 1.2 exits 1 where newer runc exits 255 (execve failing after start)
        if got != want:
            problems.append(f"{key}: expected {want!r}, engine gave {got!r}")
    return not problems, problems


def judge_kexit(v: Variant, findings, err, runc_old: bool):
    """kexit's findings against the case's `kexit` expectation: (verdict, detail)."""
    if err:
        return "MISMATCH", err
    want = v.spec.get("kexit", {})
    rule = want.get("rule")
    errors = [f for f in findings if f.get("severity") == "error"]
    summary = ", ".join(f"{f['rule']}:{f['line']}/{f['severity']}/{f.get('exit_code')}"
                        for f in findings) or "no findings"
    if not rule:
        # The fixed variant: kexit must not predict a failure.
        forbidden = set(want.get("absent", []))
        bad = [f for f in findings if f in errors or f.get("rule") in forbidden]
        if bad:
            return "MISMATCH", f"expected no error, kexit said {summary}"
        return "MATCH", f"no error ({summary})"
    hits = [f for f in findings if f.get("rule") == rule]
    if not hits:
        return "NO PREDICTION YET", f"expected {rule}, kexit said {summary}"
    f = hits[0]
    if want.get("severity") and f.get("severity") != want["severity"]:
        return "MISMATCH", f"{rule} severity {f.get('severity')}, expected {want['severity']}"
    if "exit" in want:
        exp = want["exit"]
        got = f.get("exit_code")
        if got != exp:
            return "MISMATCH", f"{rule} exit {got}, engine gave {exp}"
        if exp == 255 and runc_old:
            return "MATCH", f"{rule} exit 255 (this engine's runc < 1.2 exits 1; see OBSERVED.md)"
    return "MATCH", f"{rule}:{f.get('line')} exit {f.get('exit_code')}"


def run_variant(v: Variant, ctx: Path, kexit: str, compose, runc_old: bool) -> dict:
    findings, err = kexit_findings(kexit, ctx)
    t0 = time.monotonic()
    if v.kind.startswith("compose"):
        if not compose:
            out = {"build_error": "no docker-compose / docker compose"}
        else:
            out = run_compose(v, ctx, compose)
    else:
        out = run_docker(v, ctx)
    ok, problems = check_observation(v, out, runc_old)
    verdict, detail = judge_kexit(v, findings, err, runc_old)
    pending = v.spec.get("pending")
    failed = (not ok) or (verdict == "MISMATCH" and not pending) or (
        verdict == "NO PREDICTION YET" and not pending)
    return {"variant": v, "out": out, "ok": ok, "problems": problems, "verdict": verdict,
            "detail": detail, "pending": pending, "failed": failed,
            "seconds": round(time.monotonic() - t0, 1)}


def describe(v: Variant, out: dict) -> str:
    """The observed outcome in words (deterministic: no timings)."""
    if "build_error" in out:
        return f"build failed: {out['build_error']}"
    parts = []
    if out.get("created") is False:
        return f"not created (`{how(v).strip('`').split('`')[0].strip()}` exits {out['cli_exit']})"
    if v.kind in ("health", "compose-health"):
        parts.append(f"health {out.get('health', 'none')}")
        if out.get("health_exit") is not None:
            parts.append(f"last check exit {out['health_exit']}")
        return ", ".join(parts)
    parts.append(f"exit {out.get('exit')}")
    if out.get("exit") == 1 and v.spec.get("expect", {}).get("exit") == 255:
        parts[-1] += " (runc < 1.2; 255 with runc ≥ 1.2)"
    if out.get("oom"):
        parts.append("OOMKilled")
    if "stop_killed" in out:
        parts.append(f"killed at the {out['stop_timeout']} s stop timeout" if out["stop_killed"]
                     else "stopped before the timeout")
    if out.get("stop"):
        parts.append(out["stop"])
    return ", ".join(parts)


def message_of(out: dict) -> str:
    msg = out.get("error") or out.get("health_output") or out.get("output") or ""
    msg = re.sub(r"^.*unable to start container process: ", "", msg)
    msg = re.sub(r"^OCI runtime exec failed: exec failed: ", "", msg)
    msg = re.sub(r"[0-9a-f]{64}", "<id>", msg)
    return msg.replace("|", "\\|")[:110]


def observed_table(facts: dict, results) -> str:
    lines = [
        "# Observed on a real Docker Engine",
        "",
        "What the engine did for each runtime case (tests/runtime/cases/), and kexit's prediction",
        "for the same Dockerfile or Compose file. Generated by `python3 tests/runtime/run.py",
        "--write-observed`; the suite fails when a case's row is not current. Exit codes are the",
        "container's (`docker inspect` State.ExitCode; `docker run` exits with the same code).",
        "Whether kexit says what the last column says is printed by the suite on every run",
        "(MATCH / MISMATCH / NO PREDICTION YET) and fails it on a mismatch.",
        "",
        "| engine fact | value |",
        "|---|---|",
    ]
    for k, val in facts.items():
        lines.append(f"| {k} | {val} |")
    lines += [
        "",
        "| case | variant | how it ran | observed | engine message | kexit should say |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        v = r["variant"]
        want = v.spec.get("kexit", {})
        exp = f"{want['rule']} exit {want.get('exit', '—')}" if want.get("rule") else "no error"
        lines.append(
            f"| {v.case.name} | {v.name} | {how(v)} | {describe(v, r['out'])} | "
            f"{message_of(r['out'])} | {exp} |")
    lines += [
        "",
        "Notes",
        "",
    ]
    notes = []
    for c in sorted({r["variant"].case for r in results}, key=lambda c: c.name):
        if c.spec.get("note"):
            notes.append(f"- **{c.name}**: {c.spec['note'].strip()}")
    lines += notes
    return "\n".join(lines) + "\n"


def how(v: Variant) -> str:
    s = v.spec
    if v.kind == "run":
        return "`docker run" + "".join(f" {a}" for a in s.get("run_args", [])) + "`"
    if v.kind == "stop":
        return f"`docker run -d`, `docker stop -t {s.get('stop_timeout', 2)}`"
    if v.kind == "health":
        return "`docker run -d`, healthcheck"
    if v.kind == "compose-run":
        return "`docker-compose up`"
    if v.kind == "compose-stop":
        return "`docker-compose up`, `stop`"
    if v.kind == "compose-health":
        return "`docker-compose up`, healthcheck"
    return v.kind


def table_rows(text: str, cases: bool):
    """The case rows (cases=True) or the engine-fact rows of the table."""
    rows = [ln for ln in text.splitlines() if ln.startswith("|") and not ln.startswith("|--")]
    split = next((i for i, ln in enumerate(rows) if ln.startswith("| case |")), len(rows))
    return rows[split:] if cases else rows[:split]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kexit", default=os.environ.get("KEXIT", str(REPO / "target/debug/kexit")))
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--write-observed", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    started = time.monotonic()
    if not daemon_answers():
        print("runtime: no Docker daemon answers `docker info`: runtime suite SKIPPED")
        return 3
    if not Path(a.kexit).exists():
        print(f"runtime: kexit binary not found at {a.kexit} (cargo build first)")
        return 1
    compose = compose_cmd()
    facts = engine_facts(compose)
    runc_old = runc_before_1_2(facts["runc"])
    print("runtime: engine " + ", ".join(f"{k} {v}" for k, v in facts.items()), flush=True)
    cases = [Case(d) for d in sorted(CASES.iterdir()) if (d / "case.toml").exists()]
    if a.cases:
        cases = [c for c in cases if c.name in a.cases]
    with tempfile.TemporaryDirectory(prefix="kexit-runtime-") as tmp:
        work = Path(tmp)
        base = images.build_all(work / "bin")
        for n in base["notes"]:
            images.log(f"base image {n}")
        variants = [v for c in cases for v in c.variants]
        ctxs = {id(v): prepare(v, base["bins"], work) for v in variants}
        with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futs = [pool.submit(run_variant, v, ctxs[id(v)], a.kexit, compose, runc_old)
                    for v in variants]
            results = [f.result() for f in futs]
    for v in variants:
        sh(["docker", "rmi", "-f", v.tag])
    passed = failed = pending = 0
    for r in results:
        v = r["variant"]
        status = "FAIL" if r["failed"] else "ok"
        took = f" in {r['out']['stop_seconds']} s" if "stop_seconds" in r["out"] else ""
        print(f"runtime: {status:4} {v.case.name}/{v.name}: engine: {describe(v, r['out'])}{took}"
              f" | kexit: {r['verdict']}: {r['detail']}"
              + (f" | pending: {r['pending']}" if r["pending"] and r["verdict"] != "MATCH" else ""))
        for p in r["problems"]:
            print(f"runtime:        engine differs from the case: {p}")
        if r["failed"]:
            failed += 1
        else:
            passed += 1
            if r["pending"] and r["verdict"] != "MATCH":
                pending += 1
    table = observed_table(facts, results)
    if a.write_observed:
        OBSERVED.write_text(table)
        print(f"runtime: wrote {OBSERVED.relative_to(REPO)}")
    elif not a.cases:
        current = OBSERVED.read_text() if OBSERVED.exists() else ""
        if table_rows(current, False) != table_rows(table, False):
            print("runtime: note: OBSERVED.md was recorded on another engine; its cases still "
                  "must agree with this one")
        if table_rows(current, True) != table_rows(table, True):
            print("runtime: FAIL tests/runtime/OBSERVED.md is not current "
                  "(python3 tests/runtime/run.py --write-observed); difference:")
            old, new = set(table_rows(current, True)), set(table_rows(table, True))
            for ln in [x for x in table_rows(current, True) if x not in new]:
                print(f"runtime:   - {ln}")
            for ln in [x for x in table_rows(table, True) if x not in old]:
                print(f"runtime:   + {ln}")
            failed += 1
    counts = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    print(f"runtime: {len(results)} variants in {time.monotonic() - started:.0f} s; kexit: "
          + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
          + f"; {pending} not yet predicted or mismatched but pending (each case.toml says why)")
    print(f"runtime: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
