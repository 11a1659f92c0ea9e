"""Pyodide-side isolation: a clean interpreter state for every job without reloading.

After setup, the module table, every module's namespace, the files under writable
folders, the working directory, environment and sys.path are snapshotted; after each job
they are put back, so no import, monkey-patch or file outlives the program that made it.
"""

import json
import os
import sys

import semtrace_tracer

_BLOCKED_ROOTS = frozenset({"js", "pyodide_js", "pyodide", "_pyodide", "micropip", "pyodide_http"})
_WRITABLE = ("/tmp", "/home")
_hidden_modules = {}
_snapshot = {}


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
    _snapshot["modules"] = dict(sys.modules)
    _snapshot["dicts"] = {name: dict(module.__dict__) for name, module in sys.modules.items() if module is not None}
    _snapshot["files"] = _list_files()
    _snapshot["cwd"] = os.getcwd()
    _snapshot["environ"] = dict(os.environ)
    _snapshot["path"] = list(sys.path)
    _snapshot["meta_path"] = list(sys.meta_path)
    _snapshot["recursion"] = sys.getrecursionlimit()


def _make_system_read_only():
    for root in ("/lib", "/semtrace"):
        for folder, _, files in os.walk(root):
            for name in files:
                os.chmod(os.path.join(folder, name), 0o444)
            os.chmod(folder, 0o555)


def _list_files():
    found = set()
    for root in _WRITABLE:
        for folder, dirs, files in os.walk(root):
            found.add(folder)
            found.update(os.path.join(folder, name) for name in files)
    return found


def _restore_files():
    baseline = _snapshot["files"]
    for root in _WRITABLE:
        for folder, dirs, files in os.walk(root, topdown=False):
            for name in files:
                path = os.path.join(folder, name)
                if path not in baseline:
                    os.remove(path)
            if folder not in baseline:
                os.rmdir(folder)


def _restore_modules():
    modules = _snapshot["modules"]
    for name in list(sys.modules):
        if name not in modules:
            del sys.modules[name]
    sys.modules.update(modules)
    for name, saved in _snapshot["dicts"].items():
        namespace = modules[name].__dict__
        for key in [key for key in namespace if key not in saved]:
            del namespace[key]
        for key, value in saved.items():
            if namespace.get(key, _MISSING) is not value:
                namespace[key] = value


_MISSING = object()


def restore():
    _restore_modules()
    sys.path[:] = _snapshot["path"]
    sys.meta_path[:] = _snapshot["meta_path"]
    sys.setrecursionlimit(_snapshot["recursion"])
    os.chdir(_snapshot["cwd"])
    os.environ.clear()
    os.environ.update(_snapshot["environ"])
    _restore_files()


def run_job(job_bytes, emit):
    """`job_bytes`: the job as UTF-8 JSON in a JS Uint8Array, copied into Python in one piece."""
    job = json.loads(job_bytes.to_bytes())
    try:
        body = semtrace_tracer.run_job(job, lambda message: emit(json.dumps(message)))
    finally:
        restore()
    return json.dumps(body)
