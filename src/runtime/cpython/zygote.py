"""Fork server for the cpython runtime; it runs inside bubblewrap.

Each job runs in a child forked from this already-initialised interpreter, so every job
starts from the same clean state at the cost of a fork, not an interpreter start. The
child gets rlimits (address space, CPU, processes, file size) before any user code runs.
Protocol: JSON lines. In (stdin): {"cmd": "interrupt"|"kill", "job": id}, and
{"cmd": "run", "job": {id, kind, cpuSeconds}} TAB <the job's payload as JSON>: the payload,
which can be hundreds of megabytes of test data, is parsed by the forked child only, so this
server's heap, and with it the cost of every fork, stays small.
Out (stdout): {"job": id, "m": <harness message>} and {"job": id, "end": {...}}.
"""

import gc
import json
import os
import resource
import selectors
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semtrace_state  # noqa: E402  (after the path is set)
import semtrace_tracer  # noqa: E402

OUT = sys.stdout.buffer
COMPACT = (",", ":")
# Only inside bubblewrap's PID namespace may the server sweep every other process.
ISOLATED = "--isolated" in sys.argv
WORKDIR = "/tmp" if ISOLATED else os.getcwd()


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


def _child(job, payload, write_fd):
    job["payload"] = json.loads(payload)
    os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _set_limits(job["payload"]["limits"], job["cpuSeconds"])
    own_pid = os.getpid()

    def emit(message):
        # A program that forks must not speak for the job: only this process reports.
        if os.getpid() == own_pid:
            _write_all(write_fd, (json.dumps(message, separators=COMPACT) + "\n").encode())

    # The fork server's snapshot, inherited by this child, is the clean state.
    body = semtrace_tracer.run_job(job, emit, semtrace_state.reset_between_runs)
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


class Server:
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.selector.register(0, selectors.EVENT_READ, "commands")
        self.commands = LineBuffer()
        self.job = None

    def serve(self):
        write_out((json.dumps({"ready": True, "python": sys.version.split()[0]}) + "\n").encode())
        while True:
            for key, _ in self.selector.select():
                if key.data == "commands":
                    if not self._read_commands():
                        return
                else:
                    self._read_child()

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
        elif self.job is not None and command["job"] == self.job["id"]:
            sig = signal.SIGINT if command["cmd"] == "interrupt" else signal.SIGKILL
            try:
                os.killpg(self.job["pid"], sig)
            except OSError:
                pass

    def _start(self, command, payload):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_fd)
                _child(command["job"], payload, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        self.job = {"id": command["job"]["id"], "pid": pid, "fd": read_fd, "lines": LineBuffer()}
        self.selector.register(read_fd, selectors.EVENT_READ, "child")

    def _read_child(self):
        job = self.job
        data = os.read(job["fd"], 1 << 20)
        if not data:
            self._finish(job, None)
            return
        relayed = []  # one write for all the lines of a read, not one per line
        done = None
        for line in job["lines"].feed(data):
            if line.startswith(b'{"t":"done"'):
                done = line
                break
            relayed.append(self._prefix(job) + b',"m":' + line + b"}\n")
        write_out(b"".join(relayed))
        if done is not None:
            self._finish(job, done)

    def _finish(self, job, done_line):
        """Reports the job's end only once its process and anything it started are gone."""
        self.selector.unregister(job["fd"])
        os.close(job["fd"])
        try:
            os.killpg(job["pid"], signal.SIGKILL)
        except OSError:
            pass
        _, status = os.waitpid(job["pid"], 0)
        if ISOLATED:
            _kill_strays()
        if ISOLATED:
            _clean_workdir()
        if done_line is None:
            end = json.dumps({"kind": "exit", "detail": _describe_status(status)}).encode()
        else:
            end = done_line
        write_out(self._prefix(job) + b',"end":' + end + b"}\n")
        self.job = None

    @staticmethod
    def _prefix(job):
        # Harness lines are relayed verbatim: the host validates every message.
        return b'{"job":' + json.dumps(job["id"]).encode()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Taken once here and inherited by every forked job; files only inside the sandbox's /tmp.
    semtrace_state.snapshot((WORKDIR,) if ISOLATED else ())
    # Forked jobs share these objects copy-on-write: keeping the collector off them keeps them shared.
    gc.freeze()
    Server().serve()
