"""Fork server for the cpython runtime; it runs inside bubblewrap.

Each job runs in a child forked from this already-initialised interpreter, so every job
starts from the same clean state at the cost of a fork, not an interpreter start. The
child gets rlimits (address space, CPU, processes, file size) before any user code runs.
Protocol: JSON lines. In (stdin): {"cmd": "interrupt", "job": id, "phase": p},
{"cmd": "kill", "job": id}, {"cmd": "run", "job": {id, kind, cpuSeconds, shared?}} TAB <the
job's payload as JSON>, and {"cmd": "keep", "key": k} TAB <JSON> / {"cmd": "forget", "key": k}.
A payload, which can be hundreds of megabytes of test data, is parsed by the forked child only,
so this server's heap, and with it the cost of every fork, stays small; only data many jobs
share (a problem's tests, up to a budget the host keeps) is kept here, parsed once, and a job
whose header names it as `shared: {field, key}` inherits it in that payload field.
Out (stdout): {"job": id, "phase": p, "ms": elapsed}, {"job": id, "m": <harness message>}
and {"job": id, "end": {...}}.

Per test, the child only writes to memory: it posts its phase on a board shared with this
server, and its result line to a pipe this server drains every tick. The server samples the
board each tick and reports a phase change with how long ago it began: one message per tick
instead of two per test, which the host's deadlines need no more often.
"""

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
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semtrace_state  # noqa: E402  (after the path is set)
import semtrace_tracer  # noqa: E402

OUT = sys.stdout.buffer
COMPACT = (",", ":")
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


def write_out(data):
    OUT.write(data)
    OUT.flush()


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _set_limits(limits, cpu_seconds):
    memory = limits["memoryMb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["maxOutputBytes"], limits["maxOutputBytes"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (16, 16))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class SharedBoard(semtrace_tracer.PhaseBoard):
    """The phase board in memory shared by the server and the job's child.

    Layout: sequence, phase, start time (monotonic seconds), written by the child only, as a
    seqlock (the sequence is odd while it writes); then the phase the server asked to
    interrupt, written by the server only."""

    _SEQ = struct.Struct("<q")
    _PHASE = struct.Struct("<qd")
    _SNAPSHOT = struct.Struct("<qqd")
    _INTERRUPTED_AT = 24
    _NONE = -(1 << 63)

    def __init__(self):
        self.memory = mmap.mmap(-1, 32)
        self._SEQ.pack_into(self.memory, self._INTERRUPTED_AT, self._NONE)
        self.sequence = 0
        self.phase = None
        self.owner = None

    def enter(self, phase):
        # Like results, phases come from the job's process only, not from a process it forked.
        if os.getpid() != self.owner:
            return
        self.phase = phase
        self._SEQ.pack_into(self.memory, 0, self.sequence + 1)
        self._PHASE.pack_into(self.memory, 8, phase, time.monotonic())
        self.sequence += 2
        self._SEQ.pack_into(self.memory, 0, self.sequence)

    def current_phase(self):
        return self.phase

    def interrupted_phase(self):
        return self._SEQ.unpack_from(self.memory, self._INTERRUPTED_AT)[0]

    def sample(self):
        """(sequence, phase, started) as the child last completed writing it; None if no
        consistent reading comes quickly (a program can scribble on the board)."""
        for _ in range(1000):
            sequence, phase, started = self._SNAPSHOT.unpack_from(self.memory)
            if sequence % 2 == 0 and self._SEQ.unpack_from(self.memory)[0] == sequence:
                return sequence, phase, started
        return None

    def request_interrupt(self, phase):
        """Marks `phase` as the one to interrupt if the child is still in it; says whether it is."""
        sample = self.sample()
        if sample is None or sample[1] != phase:
            return False
        self._SEQ.pack_into(self.memory, self._INTERRUPTED_AT, phase)
        return True


def _child(job, payload, shared, channel):
    job["payload"] = json.loads(payload)
    if "shared" in job:
        job["payload"][job["shared"]["field"]] = shared
    os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _set_limits(job["payload"]["limits"], job["cpuSeconds"])
    own_pid = channel["board"].owner = os.getpid()

    def emit(message):
        # A program that forks must not speak for the job: only this process reports.
        if os.getpid() != own_pid:
            return
        data = (json.dumps(message, separators=COMPACT) + "\n").encode()
        _write_all(channel["results"], data)
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
    return f"exited with status {os.WEXITSTATUS(status)} before finishing"


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
    for entry in os.listdir(WORKDIR):
        path = os.path.join(WORKDIR, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.remove(path)
            except OSError:
                pass


class LineBuffer:
    """Splits a byte stream into lines in linear time, however long a line is."""

    def __init__(self):
        self.pending = []

    def feed(self, data):
        parts = data.split(b"\n")
        if len(parts) == 1:
            self.pending.append(data)
            return []
        lines = [b"".join(self.pending) + parts[0], *parts[1:-1]]
        self.pending = [parts[-1]] if parts[-1] else []
        return lines


class Job:
    """A running job as the server sees it: its child, board, and the pipes it reports on."""

    def __init__(self, job_id, pid, board, results_fd, wake_fd):
        self.id, self.pid, self.board = job_id, pid, board
        self.results_fd, self.wake_fd = results_fd, wake_fd
        self.lines = LineBuffer()
        self.reported_sequence = 0
        self.streaming = False
        self.prefix = b'{"job":' + json.dumps(job_id).encode()


class Server:
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.selector.register(0, selectors.EVENT_READ, "commands")
        self.commands = LineBuffer()
        self.job = None
        self.kept = {}

    def serve(self):
        write_out((json.dumps({"ready": True, "python": sys.version.split()[0]}) + "\n").encode())
        while True:
            for key, _ in self.selector.select(TICK_SECONDS if self.job else None):
                if key.data == "commands":
                    if not self._read_commands():
                        return
                elif key.data == "wake" and not os.read(self.job.wake_fd, 4096):
                    # Nothing holds the wake pipe open any more: the child is gone.
                    self.selector.unregister(self.job.wake_fd)
            if self.job is not None:
                self._tick(self.job)

    def _read_commands(self):
        data = os.read(0, 1 << 20)
        if not data:
            return False
        for line in self.commands.feed(data):
            if line.strip():
                head, _, payload = line.partition(b"\t")
                self._command(json.loads(head), payload)
        return True

    def _command(self, command, payload):
        if command["cmd"] == "run":
            self._start(command, payload)
        elif command["cmd"] == "keep":
            self.kept[command["key"]] = json.loads(payload)
            # Out of the collector's reach, so that no job's collection touches (and copies) it.
            gc.freeze()
        elif command["cmd"] == "forget":
            self.kept.pop(command["key"], None)
        elif self.job is not None and command["job"] == self.job.id:
            if command["cmd"] == "kill":
                self._signal_job(signal.SIGKILL)
            elif self.job.board.request_interrupt(command["phase"]):
                self._signal_job(signal.SIGINT)

    def _signal_job(self, sig):
        try:
            os.killpg(self.job.pid, sig)
        except OSError:
            pass

    def _start(self, command, payload):
        results_read, results_write = os.pipe()
        wake_read, wake_write = os.pipe()
        try:
            fcntl.fcntl(results_write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:
            pass  # a smaller pipe only makes the child wait for the next tick sooner
        board = SharedBoard()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(results_read)
                os.close(wake_read)
                shared = self.kept[command["job"]["shared"]["key"]] if "shared" in command["job"] else None
                _child(command["job"], payload, shared, {"results": results_write, "wake": wake_write, "board": board})
            finally:
                os._exit(0)
        os.close(results_write)
        os.close(wake_write)
        os.set_blocking(results_read, False)
        self.job = Job(command["job"]["id"], pid, board, results_read, wake_read)
        self.selector.register(wake_read, selectors.EVENT_READ, "wake")

    def _tick(self, job):
        """Reports a phase change, relays the results written since the last tick, and ends
        the job once its child reported done or exited."""
        # Checked before draining: whatever a child wrote before it died is then in the pipe.
        exited, status = os.waitpid(job.pid, os.WNOHANG)
        relayed = [self._phase_line(job)]  # one write for everything of a tick
        done = None
        data = self._drain(job.results_fd)
        self._stream_results(job, len(data) >= STREAM_BYTES)
        for line in job.lines.feed(data):
            if line.startswith(b'{"t":"done"'):
                done = line
                break
            relayed.append(job.prefix + b',"m":' + line + b"}\n")
        write_out(b"".join(relayed))
        if done is not None or exited:
            self._finish(job, done, status if exited else None)

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
    def _phase_line(job):
        sample = job.board.sample()
        if sample is None or sample[0] == job.reported_sequence:
            return b""
        sequence, phase, started = sample
        job.reported_sequence = sequence
        elapsed = max(0, round((time.monotonic() - started) * 1000))
        return job.prefix + b',"phase":%d,"ms":%d}\n' % (phase, elapsed)

    @staticmethod
    def _drain(fd):
        chunks = []
        while True:
            try:
                data = os.read(fd, PIPE_BYTES)
            except BlockingIOError:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)

    def _finish(self, job, done_line, status):
        """Reports the job's end only once its process and anything it started are gone."""
        for fd in (job.wake_fd, job.results_fd):
            if fd in self.selector.get_map():
                self.selector.unregister(fd)
        os.close(job.wake_fd)
        os.close(job.results_fd)
        try:
            os.killpg(job.pid, signal.SIGKILL)
        except OSError:
            pass
        if status is None:
            _, status = os.waitpid(job.pid, 0)
        if ISOLATED:
            _kill_strays()
            _clean_workdir()
        if done_line is None:
            end = json.dumps({"kind": "exit", "detail": _describe_status(status)}).encode()
        else:
            end = done_line
        write_out(job.prefix + b',"end":' + end + b"}\n")
        self.job = None


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Taken once here and inherited by every forked job; files only inside the sandbox's /tmp.
    semtrace_state.snapshot((WORKDIR,) if ISOLATED else ())
    # Forked jobs share these objects copy-on-write: keeping the collector off them keeps them shared.
    gc.freeze()
    Server().serve()
