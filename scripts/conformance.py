#!/usr/bin/env python3
"""Run the ADL LRS conformance test suite against a live Leerpad, for xAPI 1.0.3 and 2.0.

    scripts/conformance.py [--versions 1.0.3,2.0.0] [--port 8765] [--grep TEXT]

1. Installs the suite (adlnet/lrs-conformance-test-suite, a public Node.js project) into
   the git-ignored folder .conformance/suite: cloned from LEERPAD_CONFORMANCE_SOURCE (a
   git URL or a local path; default: the project's public repository), then `npm ci`/
   `npm install`. It is never committed.
2. Starts Leerpad (`leerpad serve`, gunicorn) on loopback with a fresh SQLite database in
   .conformance/var and an LRS client with every scope.
3. Runs the suite's own runner per version and prints "xAPI <v>: N passed, N failed".

Exit status: 0 when every test passed, 1 when some failed, 3 when the suite could not be
installed (no network route to its source).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".conformance"
SUITE = WORK / "suite"
DEFAULT_SOURCE = "https://github.com/adlnet/lrs-conformance-test-suite.git"
KEY, SECRET = "conformance", "conformance-secret-not-for-production"
PER_VERSION_TIMEOUT = 20 * 60


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def install_suite() -> bool:
    if not (SUITE / "package.json").exists():
        source = os.environ.get("LEERPAD_CONFORMANCE_SOURCE", DEFAULT_SOURCE)
        say(f"Installing the conformance suite from {source}")
        WORK.mkdir(exist_ok=True)
        shutil.rmtree(SUITE, ignore_errors=True)
        cloned = subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1", source, str(SUITE)],
            check=False,
            timeout=300,
        )
        if cloned.returncode != 0:
            say(
                "The conformance suite could not be fetched from its source. Set "
                "LEERPAD_CONFORMANCE_SOURCE to a reachable copy (git URL or folder)."
            )
            return False
    if not (SUITE / "node_modules").exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=SUITE,
            check=True,
            timeout=600,
        )
    return True


def leerpad(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "leerpad"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_server(port: int, version: str) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    var = WORK / "var"
    shutil.rmtree(var, ignore_errors=True)
    env = {
        **os.environ,
        "LEERPAD_VAR_DIR": str(var),
        "LEERPAD_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LEERPAD_LOG_LEVEL": "WARNING",
        "LEERPAD_WORKERS": "3",
        # Each suite expects its own version in answers to requests that name none.
        "LEERPAD_LRS_DEFAULT_VERSION": version,
    }
    env.pop("DATABASE_URL", None)
    leerpad("migrate", "--noinput", env=env)
    leerpad("collectstatic", "--noinput", env=env)
    leerpad(
        "lrsclient",
        "create",
        "Conformance suite",
        "--scopes",
        "all",
        "--key",
        KEY,
        "--secret",
        SECRET,
        env=env,
    )
    log = (WORK / "server.log").open("wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "leerpad"), "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/about", timeout=2):
                return server, env
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("Leerpad did not start; see .conformance/server.log")


def run_version(version: str, port: int, grep: str | None) -> tuple[int, int]:
    command = [
        "node",
        "bin/console_runner.js",
        "-e",
        f"http://127.0.0.1:{port}/xapi",
        "-a",
        "-u",
        KEY,
        "-p",
        SECRET,
        "-x",
        version,
        "-z",
    ]
    if grep:
        command += ["-g", grep]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=SUITE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    summary: dict[str, int] = {}
    assert process.stdout is not None
    try:
        for line in process.stdout:
            line = line.strip()
            if line.startswith("{") and '"passed"' in line:
                summary = json.loads(line)
            elif line.startswith("Full run log"):
                say(f"  {line}")
            if time.monotonic() - started > PER_VERSION_TIMEOUT:
                os.killpg(process.pid, signal.SIGTERM)
                say(f"  stopped after {PER_VERSION_TIMEOUT} s")
                break
    finally:
        process.wait()
    passed, failed = int(summary.get("passed", 0)), int(summary.get("failed", 0))
    total = int(summary.get("total", passed + failed))
    say(
        f"xAPI {version}: {passed} passed, {failed} failed, {total - passed - failed} not run "
        f"({time.monotonic() - started:.0f} s)"
    )
    return passed, failed + (total - passed - failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--versions", default="1.0.3,2.0.0")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--grep", default=None)
    args = parser.parse_args()
    if not install_suite():
        return 3
    failures = 0
    for version in (v.strip() for v in args.versions.split(",")):
        server, _env = start_server(args.port, version)
        try:
            _passed, failed = run_version(version, args.port, args.grep)
            failures += failed
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
