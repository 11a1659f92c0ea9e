"""The harness's side of semtrace_protocol.json: phase numbers and the board's layout."""

import json
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "semtrace_protocol.json")) as _file:
    _PROTOCOL = json.load(_file)

LOAD = _PROTOCOL["phases"]["load"]
_PREPARE_BASE = _PROTOCOL["phases"]["prepareBase"]
BOARD = _PROTOCOL["board"]
NO_PHASE = int(BOARD["none"])


def prepare_phase(index):
    """The phase that prepares test `index` and reports test `index - 1`."""
    return -(index + _PREPARE_BASE)
