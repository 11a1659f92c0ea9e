"""Pyodide-side isolation, at the Python level.

At setup, the JavaScript bridge modules are hidden and blocked and the system files made
read-only; then the interpreter state is snapshotted (semtrace_state), which puts it back
between the runs of one program's trace job. Between jobs, the worker restores the whole
interpreter image (worker.ts), which no Python-level restore could: class dictionaries,
function code, native memory.
"""

import json
import os
import sys

import semtrace_state
import semtrace_tracer

_BLOCKED_ROOTS = frozenset({"js", "pyodide_js", "pyodide", "_pyodide", "micropip", "pyodide_http"})
_WRITABLE = ("/tmp", "/home")
_COMPACT = (",", ":")
_hidden_modules = {}


class _BlockBridge:
    """Refuses imports that would reach JavaScript, and with it the host."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _BLOCKED_ROOTS:
            raise ImportError(f"module '{name}' is not available in the sandbox")
        return None


def setup():
    for name in list(sys.modules):
        if name.split(".")[0] in _BLOCKED_ROOTS:
            _hidden_modules[name] = sys.modules.pop(name)
    sys.meta_path.insert(0, _BlockBridge())
    _make_system_read_only()
    semtrace_state.snapshot(_WRITABLE)


def _make_system_read_only():
    for root in ("/lib", "/semtrace"):
        for folder, _, files in os.walk(root):
            for name in files:
                os.chmod(os.path.join(folder, name), 0o444)
            os.chmod(folder, 0o555)


class _SharedBoard(semtrace_tracer.PhaseBoard):
    """The board in memory shared with the host thread, written through the worker's calls."""

    def __init__(self, calls):
        self._post, self._interrupted, self._stop_requested = calls.enter, calls.interruptedPhase, calls.stopRequested
        self.phase = None

    def enter(self, phase):
        self.phase = phase
        self._post(phase)

    def current_phase(self):
        return self.phase

    def interrupted_phase(self):
        return self._interrupted()

    def stop_requested(self):
        return self._stop_requested()


_channel = {}


def bind(emit, board_calls):
    """Keeps the worker's emit function and board, given once before the worker's snapshot of
    the interpreter: JavaScript objects that a job received as arguments would leave stale
    references behind in Pyodide's JavaScript-side tables once the memory is restored."""
    _channel["emit"] = emit
    _channel["board"] = _SharedBoard(board_calls)


def run_job(job_bytes):
    """`job_bytes`: the job as UTF-8 JSON in a JS Uint8Array, copied into Python in one piece."""
    job = json.loads(job_bytes.to_bytes())
    emit = _channel["emit"]
    body = semtrace_tracer.run_job(job, lambda message: emit(_utf8_json(message)), semtrace_state.reset_between_runs, _channel["board"])
    return _utf8_json(body)


def _utf8_json(value):
    # Bytes, not str: JavaScript copies bytes out in one piece but converts a str per character.
    return json.dumps(value, separators=_COMPACT).encode()
