"""Killing a process tree, and the watchdog that does it when its caller ends.

This module imports nothing but the standard library: the watchdog runs it as a script of its own
(`python -I process_tree.py`), so a watchdog starts in milliseconds and never loads sopdoc.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys


def own_group() -> dict:
    """`subprocess.Popen` arguments that start a process as the leader of a group of its own:
    `kill_tree` then reaches its children too, and a Ctrl-C for the caller does not."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_tree(pid: int) -> None:
    """Kill the process group whose leader is `pid` (started with `own_group`): the
    leader and every child it made. A group already gone, or one we may not signal (its last
    members exiting under another user), is left as it is."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def watch() -> None:
    """Wait for standard input to close (the caller finished, or died: the kernel closes its end
    too), then kill the process tree whose leader's pid the caller wrote on the first line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C meant for the caller must not stop us first
    line = sys.stdin.buffer.readline()
    sys.stdin.buffer.read()
    if line.strip().isdigit():
        kill_tree(int(line))


if __name__ == "__main__":
    watch()
