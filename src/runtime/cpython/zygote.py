"""Fork server for the cpython runtime; it runs inside bubblewrap.

Each job is one program, run in a child forked from this already-initialised interpreter, so
every program starts from the same clean state at the cost of a fork, not an interpreter
start, and no two programs ever share an interpreter image. The child gets rlimits (address
space, CPU, processes, file size) before any program code runs.

What one program sends or receives never passes through this server's own memory, since every
later child inherits that memory: a job's payload (the program, and for a reference solution
the very code candidates must not see) is spliced from this server's input into the child's
pipe, and the child's results (a reference's outputs are what candidates are judged against)
are spliced from its pipe to this server's output, kernel to kernel. Only data many jobs share
and every job may see (a problem's test inputs) is read and kept here.

Protocol, both ways: frames of a 4-byte big-endian length and a JSON header, some followed by
raw bytes whose count the header gives. In: {"cmd": "run", "job": {id, kind, cpuSeconds,
shared?}, "bytes": n} + the payload; {"cmd": "keep", "key": k, "bytes": n} + JSON;
{"cmd": "forget", "key": k}; {"cmd": "interrupt"|"kill"|"stop", "job": id, "phase": p}.
Out: {"ready": true, "python": v}; {"job": id, "phase": p, "ms": elapsed}; {"job": id,
"interrupted": p} when an interrupt reached phase p while it ran;
{"job": id, "bytes": n} + n bytes of the child's result lines; {"job": id, "end": {...}}.

Per test, the child only writes to memory: it posts its phase on a board shared with this
server, and its result line to a pipe this server drains every tick.
"""

import ctypes
import fcntl
import gc
import json
import mmap
import os
import resource
import selectors
import shutil
import signal
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semtrace_protocol  # noqa: E402  (after the path is set)
import semtrace_state  # noqa: E402
import semtrace_tracer  # noqa: E402

COMPACT = (",", ":")
FRAME = struct.Struct(">I")
# Only inside bubblewrap's PID namespace may the server sweep every other process.
ISOLATED = "--isolated" in sys.argv
WORKDIR = "/tmp" if ISOLATED else os.getcwd()
# How often the server samples a running job's board and drains its results.
TICK_SECONDS = 0.02
# A result this long, and the job's end, wake the server at once instead of at its next tick.
URGENT_BYTES = 16 * 1024
PIPE_BYTES = 1 << 20
# A tick that finds this much waiting switches to reading results as they arrive.
STREAM_BYTES = 64 * 1024
PR_SET_DUMPABLE = 4
BOARD = semtrace_protocol.BOARD


def _read_exactly(fd, count):
    parts = []
    while count > 0:
        data = os.read(fd, min(count, 1 << 20))
        if not data:
            raise EOFError
        parts.append(data)
        count -= len(data)
    return b"".join(parts)


def _splice_exactly(source, target, count):
    """Moves `count` bytes from pipe `source` to `target` in the kernel; False if the target
    closed first (the rest is then read and dropped)."""
    while count > 0:
        try:
            moved = os.splice(source, target, count)
        except BrokenPipeError:
            _discard(source, count)
            return False
        if moved == 0:
            raise EOFError
        count -= moved
    return True


def _discard(source, count):
    with open(os.devnull, "wb") as sink:
        while count > 0:
            count -= os.splice(source, sink.fileno(), count)


def write_frame(header, data_from=None, count=0):
    encoded = json.dumps(header, separators=COMPACT).encode()
    os.write(1, FRAME.pack(len(encoded)) + encoded)
    if data_from is not None:
        _splice_exactly(data_from, 1, count)


def _set_limits(limits, cpu_seconds):
    memory = limits["memoryMb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["maxOutputBytes"], limits["maxOutputBytes"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (16, 16))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class SharedBoard(semtrace_tracer.PhaseBoard):
    """The phase board (semtrace_protocol.json) in memory shared by the server and the job's
    child: the child writes its phase, the server the phase to interrupt and the stop flag."""

    _FIELD = struct.Struct("<q")
    _STARTED = struct.Struct("<d")

    def __init__(self):
        self.memory = mmap.mmap(-1, BOARD["bytes"])
        for field in ("interrupted", "stop"):
            self._FIELD.pack_into(self.memory, BOARD[field], semtrace_protocol.NO_PHASE if field == "interrupted" else 0)
        self.sequence = 0
        self.phase = None
        self.owner = None

    def enter(self, phase):
        # Like results, phases come from the job's process only, not from a process it forked.
        if os.getpid() != self.owner:
            return
        self.phase = phase
        self._FIELD.pack_into(self.memory, BOARD["sequence"], self.sequence + 1)
        self._FIELD.pack_into(self.memory, BOARD["phase"], phase)
        self._STARTED.pack_into(self.memory, BOARD["startedAtMs"], time.monotonic() * 1000)
        self.sequence += 2
        self._FIELD.pack_into(self.memory, BOARD["sequence"], self.sequence)

    def current_phase(self):
        return self.phase

    def interrupted_phase(self):
        return self._FIELD.unpack_from(self.memory, BOARD["interrupted"])[0]

    def stop_requested(self):
        return self._FIELD.unpack_from(self.memory, BOARD["stop"])[0] != 0

    def sample(self):
        """(sequence, phase, started) as the child last completed writing it; None if no
        consistent reading comes quickly (a program can scribble on the board)."""
        for _ in range(1000):
            sequence = self._FIELD.unpack_from(self.memory, BOARD["sequence"])[0]
            phase = self._FIELD.unpack_from(self.memory, BOARD["phase"])[0]
            started = self._STARTED.unpack_from(self.memory, BOARD["startedAtMs"])[0]
            if sequence % 2 == 0 and self._FIELD.unpack_from(self.memory, BOARD["sequence"])[0] == sequence:
                return sequence, phase, started
        return None

    def request_interrupt(self, phase):
        """Marks `phase` as the one to interrupt if the child is still in it; says whether it is."""
        sample = self.sample()
        if sample is None or sample[1] != phase:
            return False
        self._FIELD.pack_into(self.memory, BOARD["interrupted"], phase)
        return True

    def request_stop(self):
        self._FIELD.pack_into(self.memory, BOARD["stop"], 1)


def _keep_only(fds):
    """Closes every descriptor but `fds` (and 0-2): the child holds no handle on the server."""
    highest = os.sysconf("SC_OPEN_MAX")
    low = 3
    for fd in sorted(fds):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, highest)


def _child(job, shared, channel):
    os.setpgid(0, 0)
    # The job's own process is an ordinary one again (its /proc/self files readable by itself);
    # the server it was forked from stays closed to it.
    _set_dumpable(1)
    _keep_only((channel["payload"], channel["results"], channel["wake"]))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    with os.fdopen(channel["payload"], "rb") as payload:
        job["payload"] = json.loads(payload.read())
    if "shared" in job:
        job["payload"][job["shared"]["field"]] = shared
    _set_limits(job["payload"]["limits"], job["cpuSeconds"])
    own_pid = channel["board"].owner = os.getpid()

    def emit(message):
        # A program that forks must not speak for the job: only this process reports.
        if os.getpid() != own_pid:
            return
        data = (json.dumps(message, separators=COMPACT) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(channel["results"], view):]
        if message["t"] == "done" or len(data) >= URGENT_BYTES:
            os.write(channel["wake"], b"!")

    # The fork server's snapshot, inherited by this child, is the clean state.
    body = semtrace_tracer.run_job(job, emit, semtrace_state.reset_between_runs, channel["board"])
    emit({"t": "done", "body": body})


def _describe_status(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        return f"killed by signal {name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _kill_strays():
    """Kill whatever a job left behind in this PID namespace (forked or daemonised children)."""
    own = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, own):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


def _clean_workdir():
    for folder in (WORKDIR, "/dev/shm") if ISOLATED else (WORKDIR,):
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.remove(path)
                except OSError:
                    pass


def _pending_bytes(fd):
    buffer = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, buffer)
    return int.from_bytes(buffer, sys.byteorder)


class Job:
    """A running job as the server sees it: its child, board, and the pipes it reports on."""

    def __init__(self, job_id, pid, board, results_fd, wake_fd):
        self.id, self.pid, self.board = job_id, pid, board
        self.results_fd, self.wake_fd = results_fd, wake_fd
        self.reported_sequence = 0
        self.streaming = False


class Server:
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.selector.register(0, selectors.EVENT_READ, "commands")
        self.job = None
        self.kept = {}

    def serve(self):
        write_frame({"ready": True, "python": sys.version.split()[0]})
        while True:
            for key, _ in self.selector.select(TICK_SECONDS if self.job else None):
                if key.data == "commands":
                    if not self._read_command():
                        return
                elif key.data == "wake" and not os.read(self.job.wake_fd, 4096):
                    # Nothing holds the wake pipe open any more: the child is gone.
                    self.selector.unregister(self.job.wake_fd)
            if self.job is not None:
                self._tick(self.job)

    def _read_command(self):
        try:
            header = _read_exactly(0, FRAME.unpack(_read_exactly(0, FRAME.size))[0])
        except EOFError:
            return False
        command = json.loads(header)
        if command["cmd"] == "run":
            self._start(command)
        elif command["cmd"] == "keep":
            self.kept[command["key"]] = json.loads(_read_exactly(0, command["bytes"]))
            # Out of the collector's reach, so that no job's collection touches (and copies) it.
            gc.freeze()
        elif command["cmd"] == "forget":
            self.kept.pop(command["key"], None)
        elif self.job is not None and command["job"] == self.job.id:
            if command["cmd"] == "kill":
                self._signal_job(signal.SIGKILL)
            elif command["cmd"] == "stop":
                self.job.board.request_stop()
            elif self.job.board.request_interrupt(command["phase"]):
                self._signal_job(signal.SIGINT)
                write_frame({"job": self.job.id, "interrupted": command["phase"]})
        return True

    def _signal_job(self, sig):
        try:
            os.killpg(self.job.pid, sig)
        except OSError:
            pass

    def _start(self, command):
        job = command["job"]
        payload_read, payload_write = os.pipe()
        results_read, results_write = os.pipe()
        wake_read, wake_write = os.pipe()
        for fd in (payload_write, results_write):
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            except OSError:
                pass  # a smaller pipe only makes a writer wait sooner
        board = SharedBoard()
        pid = os.fork()
        if pid == 0:
            try:
                shared = self.kept[job["shared"]["key"]] if "shared" in job else None
                _child(job, shared, {"payload": payload_read, "results": results_write, "wake": wake_write, "board": board})
            finally:
                os._exit(0)
        for fd in (payload_read, results_write, wake_write):
            os.close(fd)
        _splice_exactly(0, payload_write, command["bytes"])
        os.close(payload_write)
        os.set_blocking(results_read, False)
        self.job = Job(job["id"], pid, board, results_read, wake_read)
        self.selector.register(wake_read, selectors.EVENT_READ, "wake")

    def _tick(self, job):
        """Reports a phase change, relays the results written since the last tick, and ends
        the job once its child exited."""
        # Checked before draining: whatever a child wrote before it died is then in the pipe.
        exited, status = os.waitpid(job.pid, os.WNOHANG)
        self._report_phase(job)
        pending = self._relay(job)
        self._stream_results(job, pending >= STREAM_BYTES)
        if exited:
            self._finish(job, status)

    def _relay(self, job):
        pending = _pending_bytes(job.results_fd)
        if pending:
            write_frame({"job": job.id, "bytes": pending}, job.results_fd, pending)
        return pending

    def _stream_results(self, job, streaming):
        """While a child writes a lot (a large trace), read its results as they come: waiting
        for the next tick would stall it each time the pipe fills."""
        if streaming != job.streaming:
            job.streaming = streaming
            if streaming:
                self.selector.register(job.results_fd, selectors.EVENT_READ, "results")
            else:
                self.selector.unregister(job.results_fd)

    @staticmethod
    def _report_phase(job):
        sample = job.board.sample()
        if sample is None or sample[0] == job.reported_sequence:
            return
        sequence, phase, started = sample
        job.reported_sequence = sequence
        write_frame({"job": job.id, "phase": phase, "ms": max(0, round(time.monotonic() * 1000 - started))})

    def _finish(self, job, status):
        """Reports the job's end only once its process and anything it started are gone."""
        try:
            os.killpg(job.pid, signal.SIGKILL)
        except OSError:
            pass
        if ISOLATED:
            _kill_strays()
        while self._relay(job):
            pass
        for fd in (job.wake_fd, job.results_fd):
            if fd in self.selector.get_map():
                self.selector.unregister(fd)
            os.close(fd)
        if ISOLATED:
            _clean_workdir()
        write_frame({"job": job.id, "end": {"status": _describe_status(status), "clean": os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0}})
        self.job = None


def _set_dumpable(flag):
    """0: no process of the same user (a job's child) may ptrace this process or read its memory."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, flag, 0, 0, 0)
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_dumpable(0)
    # Taken once here and inherited by every forked job; files only inside the sandbox's /tmp.
    semtrace_state.snapshot((WORKDIR,) if ISOLATED else ())
    # Forked jobs share these objects copy-on-write: keeping the collector off them keeps them shared.
    gc.freeze()
    Server().serve()
