"""The two ways to reach runmeter: the job's channel (a Unix socket named by RUNMETER_CHANNEL, inside
`runmeter run`), or a `runmeter record --stdio` process started for this program (elsewhere). Both carry JSON lines
both ways; runmeter's answers are handed to `on_answer` from a reader thread."""
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from typing import Any, Callable, Dict, List, Optional

Answer = Callable[[Dict[str, Any]], None]

# runmeter listens beside the job, not before it: the socket may appear a moment after the program starts.
CONNECT_SECONDS = 10.0


class TransportError(Exception):
    """runmeter cannot be reached, or went away."""


class Transport:
    """A line-based link to runmeter."""

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self, wait: float) -> None:
        raise NotImplementedError


def _read_answers(stream: Any, on_answer: Answer, on_gone: Callable[[], None]) -> None:
    try:
        for line in stream:
            try:
                on_answer(json.loads(line))
            except ValueError:
                continue
    except (OSError, ValueError):
        pass
    finally:
        on_gone()


class SocketTransport(Transport):
    """The channel of `runmeter run`: the program's calls join the run runmeter records for the job."""

    def __init__(self, path: str, on_answer: Answer, on_gone: Callable[[], None]) -> None:
        self.path = path
        deadline = time.monotonic() + CONNECT_SECONDS
        pause = 0.01
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError) as error:
                sock.close()
                if time.monotonic() >= deadline:
                    raise TransportError(f"runmeter's channel {path} did not answer in {CONNECT_SECONDS:.0f} s ({error})") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
            except OSError as error:
                sock.close()
                raise TransportError(f"cannot connect to runmeter's channel {path} ({error})") from None
        self.sock = sock
        reader = sock.makefile("rb")
        threading.Thread(target=_read_answers, args=(reader, on_answer, on_gone), name="runmeter-answers", daemon=True).start()

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as error:
            raise TransportError(f"runmeter's channel closed ({error})") from None

    def close(self, wait: float) -> None:
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.sock.close()


def runmeter_command() -> Optional[List[str]]:
    """How to start runmeter: $RUNMETER_BIN, else `runmeter` on the PATH; None when neither is there."""
    named = os.environ.get("RUNMETER_BIN")
    if named:
        return [named] if os.access(named, os.X_OK) else None
    found = shutil.which("runmeter")
    return [found] if found else None


class ProcessTransport(Transport):
    """`runmeter record --stdio`, started for a program outside `runmeter run`: it creates and ends the run."""

    def __init__(self, command: List[str], on_answer: Answer, on_gone: Callable[[], None]) -> None:
        try:
            # Its own session: a Ctrl-C meant for the program must not end the recording before the program's last flush.
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True, close_fds=True
            )
        except OSError as error:
            raise TransportError(f"cannot start {' '.join(command)} ({error})") from None
        stdin = self.process.stdin
        stdout = self.process.stdout
        assert stdin is not None and stdout is not None
        self.stdin = stdin
        threading.Thread(target=_read_answers, args=(stdout, on_answer, on_gone), name="runmeter-answers", daemon=True).start()

    def send(self, data: bytes) -> None:
        try:
            self.stdin.write(data)
            self.stdin.flush()
        except (OSError, ValueError) as error:
            raise TransportError(f"runmeter record stopped ({error})") from None

    def close(self, wait: float) -> None:
        try:
            self.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
