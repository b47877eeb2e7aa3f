"""`-o PATH` as the shell's `>` would: a regular file replaced atomically, anything else written
in place, a directory or a file the user may not write refused."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import WINDOW, FixtureServer, invoke, run_digest, subprocess_env, write_feeds

from digest.cli import output
from digest.errors import DigestError


@pytest.fixture
def feeds(server: FixtureServer, tmp_path: Path, env: dict[str, str]) -> Path:
    """A feeds file whose stories are stored, so `show` has a digest to write."""
    path = write_feeds(tmp_path / "feeds.toml", {"Wire": server.add_fixture_feed("/rss2.xml", "rss2.xml")})
    stored = invoke(["fetch", "-q", "--no-extract", "--feeds", str(path), "-o", str(tmp_path / "d.txt")], env)
    assert stored.exit_code == 0
    return path


def show_into(target: Path | str, feeds: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return run_digest(["show", "--format", "text", "--feeds", str(feeds), *WINDOW, "-o", str(target)], env)


def test_dev_null_stays_a_device(feeds: Path, env: dict[str, str]) -> None:
    done = show_into(os.devnull, feeds, env)

    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == b""
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_a_fifo_is_written_in_place(feeds: Path, tmp_path: Path, env: dict[str, str]) -> None:
    fifo = tmp_path / "digest.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()

    done = show_into(fifo, feeds, env)
    reader.join(timeout=60)

    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"CRYPTO POLICY DIGEST" in received[0]


def test_a_device_is_written_in_place(feeds: Path, tmp_path: Path, env: dict[str, str]) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of our own
    except PermissionError:
        pytest.skip("this machine does not let the tests make a device node (mknod)")

    done = show_into(device, feeds, env)

    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_a_unix_socket_is_written_in_place(feeds: Path, tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "s"
    received: list[bytes] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(path))
        listener.listen(1)

        def serve() -> None:
            connection, _ = listener.accept()
            with connection:
                received.append(b"".join(iter(lambda: connection.recv(65536), b"")))

        reader = threading.Thread(target=serve)
        reader.start()
        done = show_into(path, feeds, env)
        reader.join(timeout=60)

    assert done.returncode == 0, done.stderr
    assert b"CRYPTO POLICY DIGEST" in received[0]


def test_dev_stdout_into_head(feeds: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "digest", "show", "--feeds", str(feeds), *WINDOW, "-o", "/dev/stdout"]
    digest = subprocess.Popen(
        command, env=subprocess_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert digest.stdout is not None
    head = subprocess.run(["head", "-n", "1"], stdin=digest.stdout, capture_output=True, check=False)
    digest.stdout.close()
    _, errors = digest.communicate(timeout=60)

    assert head.stdout == b"CRYPTO POLICY DIGEST\n"
    assert digest.returncode == 0
    assert errors == b""


def test_a_directory_is_an_error(feeds: Path, tmp_path: Path, env: dict[str, str]) -> None:
    done = show_into(tmp_path, feeds, env)

    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        f"error: {tmp_path}: cannot write the digest: it is a directory"
    ]


def test_a_file_the_user_may_not_write_is_refused(tmp_path: Path) -> None:
    """As `>` refuses it: the directory would let a rename replace it, the file itself does not."""
    target = tmp_path / "published.txt"
    target.write_text("last week's digest")
    target.chmod(0o444)
    if os.geteuid() != 0:
        with pytest.raises(DigestError, match="Permission denied"):
            output.write_path(target, "this week's digest")
    else:  # root may write anything: try it as nobody, in a forked child, in a directory anyone may use
        tmp_path.chmod(0o777)
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            code = 3
            try:
                os.setgid(65534)
                os.setuid(65534)
                output.write_path(target, "this week's digest")
                code = 0
            except DigestError as error:
                code = 1 if "Permission denied" in error.message else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 1
    assert target.read_text() == "last week's digest"
    assert [path.name for path in tmp_path.iterdir()] == ["published.txt"]
