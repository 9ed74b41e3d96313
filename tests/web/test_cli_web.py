"""``onevoice serve`` and ``onevoice users`` in subprocesses with a temporary data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from onevoice.cli.main import cli


def _env(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ONEVOICE_", "DJANGO_SETTINGS_MODULE"))
    }
    env["ONEVOICE_DATA_DIR"] = str(data)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _onevoice(*args: str, data: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onevoice.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(data),
        timeout=120,
    )


def test_serve_answers_the_login_page(tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "web"
    cmd = [sys.executable, "-m", "onevoice.cli.main", "serve", "--port", str(port)]
    cmd += ["--data", str(data), "--store", str(tmp_path / "no-store")]
    proc = subprocess.Popen(
        cmd,
        env=_env(tmp_path / "unused"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    status = r.status
                    body = r.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert "<h1>Log in</h1>" in body
        assert (data / "onevoice.sqlite3").is_file()  # migrated on start
        assert (data / "secret_key").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()


def test_users_create_and_demo(tmp_path: Path) -> None:
    data = tmp_path / "web"
    made = _onevoice(
        "users", "create", "alice", "--role", "analyst", "--password-stdin",
        data=data, stdin="a long enough passphrase\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "created alice (analyst)" in made.stderr
    again = _onevoice(
        "users", "create", "alice", "--role", "member", "--password-stdin",
        data=data, stdin="a long enough passphrase\n",
    )  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.startswith("Error: the user 'alice' exists already")
    weak = _onevoice(
        "users", "create", "bob", "--role", "member", "--password-stdin",
        data=data, stdin="short\n",
    )  # fmt: skip
    assert weak.returncode == 2 and "Error: password refused" in weak.stderr
    demo = _onevoice("users", "demo", "--data", str(data), data=tmp_path / "unused")
    assert demo.returncode == 0, demo.stderr
    lines = [line.split("\t") for line in demo.stdout.splitlines()]
    assert [u for u, _ in lines] == [
        "admin", "analyst", "reviewer", "communicator", "liaison", "member",
    ]  # fmt: skip
    assert all(len(pw) >= 12 for _, pw in lines)


def test_unknown_role_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["users", "create", "x", "--role", "boss"])
    assert result.exit_code == 2 and "'boss' is not one of" in result.output


def test_help_has_examples() -> None:
    for args in (["serve"], ["users"], ["users", "create"], ["users", "demo"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, args
