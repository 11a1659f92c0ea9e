"""Running a whole program as `python main.py` runs it: as `__main__`, in a working folder of
its own that holds the files it was given, with its standard input, and reporting its exit
status and its standard output and error exactly as it wrote them.

Where the harness can start processes (CPython), the program runs in a real interpreter
started for it, so its exit status, tracebacks, buffering and a hard exit are CPython's own.
Where it cannot (Pyodide), it runs in this interpreter the way CPython's main runs a file; the
worker restores the clean interpreter image after the job, so nothing it did stays.
"""

import base64
import io
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types

import semtrace_protocol

# Pyodide's os module has fork and friends, which fail: only a real OS runs a subprocess.
_CAN_SPAWN = sys.platform != "emscripten"
_READ_BYTES = 1 << 16
# How long a program that has exited may keep its output pipes open (a daemon it left) before
# the harness stops reading them, as a shell's wait would return.
_DRAIN_SECONDS = 0.05


class ScriptError(Exception):
    """A request the harness refuses: a path outside the working folder, or unreadable data."""


def run_script(payload, emit, board):
    """The `script` job: writes the files, runs the program, reads back the requested files,
    and emits one result. Paths are checked here too, since this is what writes them."""
    board.enter(semtrace_protocol.LOAD)
    limits = payload["limits"]
    work = os.path.realpath(tempfile.mkdtemp(prefix="run-"))
    try:
        try:
            _write_files(work, payload["files"])
            fetch_paths = [_inside(work, path) for path in payload["fetchFiles"]]
            path = _program_file(work, payload["program"])
        except ScriptError as error:
            return {"error": str(error)}
        board.enter(0)
        started = time.perf_counter()
        run = (_run_process if _CAN_SPAWN else _run_in_process)(path, work, payload["stdin"], limits["maxOutputBytes"], board)
        run["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
        board.enter(semtrace_protocol.prepare_phase(1))
        run.update(_fetch(work, payload["fetchFiles"], fetch_paths, payload["maxFetchBytes"]))
        emit({"t": "result", "i": 0, "result": run})
        return {}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _inside(work, relative):
    """The absolute path of `relative` in the working folder; refuses any that leaves it."""
    if not relative or relative.startswith("/") or "\0" in relative or ".." in relative.split("/"):
        raise ScriptError(f"path {relative!r} is outside the working folder")
    return os.path.join(work, os.path.normpath(relative))


def _write_files(work, files):
    for relative, content in files.items():
        target = _inside(work, relative)
        try:
            data = base64.b64decode(content, validate=True)
        except ValueError:
            raise ScriptError(f"file {relative!r} is not valid base64") from None
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as error:  # a file past the sandbox's file size limit, say
            raise ScriptError(f"cannot write file {relative!r}: {error.strerror}") from None


def _program_file(work, program):
    # A fresh name, as SandboxFusion's temporary file, so that no given file is overwritten.
    handle, path = tempfile.mkstemp(suffix=".py", dir=work)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="surrogatepass") as file:
            file.write(program)
    except OSError as error:
        raise ScriptError(f"cannot write the program: {error.strerror}") from None
    return path


def _fetch(work, relatives, paths, budget):
    """Requested files as base64; a file that is missing (or not a regular file inside the
    working folder) is left out, as SandboxFusion does, and one past the budget is named."""
    files, missing, oversized = {}, [], []
    for relative, path in zip(relatives, paths):
        real = os.path.realpath(path)
        try:
            if not real.startswith(work + os.sep) or not os.path.isfile(real):
                raise FileNotFoundError(relative)
            with open(real, "rb") as handle:
                data = handle.read(budget + 1)
        except OSError:  # also one the program made unreadable
            missing.append(relative)
            continue
        if len(data) > budget:
            oversized.append(relative)
            continue
        budget -= len(data)
        files[relative] = base64.b64encode(data).decode("ascii")
    return {"files": files, "missing": missing, "oversized": oversized}


def _decoded(data):
    return data.decode("utf-8", "replace")


def _observation(exit_code, stdout, stderr, interrupted=False):
    return {
        "exitCode": exit_code,
        "stdout": _decoded(stdout.data()),
        "stderr": _decoded(stderr.data()),
        "stdoutTruncated": stdout.truncated,
        "stderrTruncated": stderr.truncated,
        **({"interrupted": True} if interrupted else {}),
    }


class _Capture:
    """The first `cap` bytes of a stream; the rest is counted out, so the writer never blocks."""

    def __init__(self, cap):
        self.cap, self.parts, self.size, self.truncated = cap, [], 0, False

    def add(self, data):
        room = self.cap - self.size
        if len(data) > room:
            data = data[: max(room, 0)]
            self.truncated = True
        self.parts.append(data)
        self.size += len(data)

    def data(self):
        return b"".join(self.parts)


# --------------------------------------------------------------------------- a real interpreter


def _run_process(path, work, stdin, cap, board):
    """`python main.py` in the working folder, fed `stdin` and read through pipes. The host's
    deadline interrupts this harness, which kills the program: SIGINT is ignored in the program,
    so that it cannot catch its own deadline."""
    stdout, stderr = _Capture(cap), _Capture(cap)
    process = subprocess.Popen(
        [sys.executable, "-s", path], cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        close_fds=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        _pump(process, stdin.encode("utf-8"), {process.stdout.fileno(): stdout, process.stderr.fileno(): stderr})
        return _observation(process.wait(), stdout, stderr)
    except KeyboardInterrupt:
        if board.interrupted_phase() != board.current_phase():
            raise
        process.kill()
        process.wait()
        _drain({process.stdout.fileno(): stdout, process.stderr.fileno(): stderr})
        return _observation(None, stdout, stderr, interrupted=True)
    finally:
        for pipe in (process.stdin, process.stdout, process.stderr):
            try:
                pipe.close()
            except OSError:
                pass


def _pump(process, stdin, captures):
    """Feeds standard input and reads both outputs until the program has exited and its pipes
    went quiet (a descendant may hold them open for ever)."""
    selector = selectors.DefaultSelector()
    for fd in captures:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    if stdin:
        os.set_blocking(process.stdin.fileno(), False)
        selector.register(process.stdin.fileno(), selectors.EVENT_WRITE)
    else:
        process.stdin.close()
    offset = 0
    while selector.get_map():
        events = selector.select(_DRAIN_SECONDS)
        if not events and process.poll() is not None:
            break
        for key, _ in events:
            if key.fd in captures:
                data = _read(key.fd)
                if data:
                    captures[key.fd].add(data)
                else:
                    selector.unregister(key.fd)
                continue
            try:
                offset += os.write(key.fd, stdin[offset : offset + _READ_BYTES])
            except BlockingIOError:
                continue
            except BrokenPipeError:  # the program stopped reading: the rest is not its input
                offset = len(stdin)
            if offset >= len(stdin):
                selector.unregister(key.fd)
                process.stdin.close()
    selector.close()


def _read(fd):
    try:
        return os.read(fd, _READ_BYTES)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def _drain(captures):
    for fd, capture in captures.items():
        os.set_blocking(fd, False)
        while data := _read(fd):
            capture.add(data)


# --------------------------------------------------------------------------- this interpreter


class _HardExit(BaseException):
    """os._exit in a program run in this interpreter, raised once its output is sealed."""


class _Descriptor(io.RawIOBase):
    """File descriptor 1 or 2 sent, for one run, to a capture file outside the working folder.
    It is the raw stream under the program's sys.stdout or sys.stderr, as in CPython, so what
    the program writes there and with os.write(fd, …) lands in order. Sealed at a hard exit, so
    that what the program's buffers still held is lost, as it is when CPython exits so."""

    def __init__(self, fd, cap):
        self.fd, self.cap, self.end = fd, cap, None
        self.saved = os.dup(fd)
        capture, self.path = tempfile.mkstemp(prefix="output-")
        os.dup2(capture, fd)
        os.close(capture)

    def writable(self):
        return True

    def write(self, data):
        # Past the cap the rest is dropped: a program printing for ever must not fill memory.
        if self.end is None and os.fstat(self.fd).st_size <= self.cap:
            os.write(self.fd, data)
        return len(data)

    def seal(self):
        self.end = os.fstat(self.fd).st_size

    def finish(self):
        """Puts the descriptor back and returns what was written to it, up to the seal."""
        end = os.fstat(self.fd).st_size if self.end is None else self.end
        os.dup2(self.saved, self.fd)
        os.close(self.saved)
        capture = _Capture(self.cap)
        with open(self.path, "rb") as file:
            capture.add(file.read(min(end, self.cap + 1)))
        os.remove(self.path)
        return capture


def _run_in_process(path, work, stdin, cap, board):
    import atexit
    import builtins
    import posix

    out, err = _Descriptor(1, cap), _Descriptor(2, cap)
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"),
        io.TextIOWrapper(io.BufferedWriter(out), encoding="utf-8"),
        io.TextIOWrapper(io.BufferedWriter(err), encoding="utf-8", errors="backslashreplace", line_buffering=True),
    )

    # The first hard exit decides, even if the program (or atexit, which reports and goes on)
    # catches the exception that stands for it.
    hard_exits = []

    def hard_exit(status):
        out.seal()
        err.seal()
        hard_exits.append(status)
        raise _HardExit(status)

    main = types.ModuleType("__main__")
    main.__dict__.update({"__file__": path, "__builtins__": builtins, "__cached__": None})
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    sys.argv, sys.modules["__main__"] = [path], main
    sys.path.insert(0, work)
    os.chdir(work)
    os._exit = posix._exit = hard_exit
    # Only the program's own exit functions run at its end; the image restore brings back the rest.
    atexit._clear()
    try:
        status = _run_main(path, main.__dict__, board)
    except _HardExit:
        status = None
    stdout, stderr = out.finish(), err.finish()
    if hard_exits:
        return _observation(hard_exits[0] & 0xFF, stdout, stderr)
    if status is None:
        return _observation(None, stdout, stderr, interrupted=True)
    return _observation(status, stdout, stderr)


def _run_main(path, namespace, board):
    """The program's exit status as CPython's main gives it, or None when the host's deadline
    interrupted it."""
    try:
        with open(path, encoding="utf-8") as file:
            code = compile(file.read(), path, "exec", dont_inherit=True)
        exec(code, namespace)
        status = 0
    except _HardExit:
        raise
    except SystemExit as exit_:
        status = _exit_status(exit_) & 0xFF
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt) and board.interrupted_phase() == board.current_phase():
            return None
        sys.excepthook(type(error), error, _program_frames(error.__traceback__, path))
        # CPython ends itself with SIGINT after an uncaught KeyboardInterrupt.
        status = -signal.SIGINT if isinstance(error, KeyboardInterrupt) else 1
    _finalize()
    return status


def _finalize():
    """CPython's end of a run: its output is flushed once the main module is done, then the
    exit functions run, then the output is flushed again."""
    import atexit

    _flush()
    atexit._run_exitfuncs()
    _flush()


def _flush():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


def _exit_status(exit_):
    code = exit_.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        print(code, file=sys.stderr)
    except Exception:
        pass
    return 1


def _program_frames(tb, path):
    """The traceback from the program's first frame on: the harness's frames are not its own."""
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    return tb
