"""Running the real program as the clerk does: a subprocess, its output piped, in a working folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "inbox"
WEEK1 = EXAMPLES / "第1周-2025-06-26"


def zjk(
    *args: str | Path,
    cwd: Path,
    encoding: str | None = None,
    columns: int = 80,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``python -m zjkcollect ARGS`` with stdout and stderr piped; ``encoding`` is the console's (PYTHONIOENCODING)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONIOENCODING", "COLUMNS")}
    env["COLUMNS"] = str(columns)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    if encoding is not None:
        env["PYTHONIOENCODING"] = encoding
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "zjkcollect", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
    text = encoding or "utf-8"
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(text, "strict"), done.stderr.decode(text, "strict")
    )


def working_folder(root: Path, inbox: Path = WEEK1) -> Path:
    """A folder as ``zjkcollect init`` leaves it, with ``inbox`` copied into its 收件箱."""
    folder = root / "数据要素大赛"
    done = zjk("init", folder, cwd=root)
    assert done.returncode == 0, done.stderr
    shutil.copytree(inbox, folder / "收件箱" / inbox.name)
    return folder


@cache
def without_privileges() -> tuple[str, ...] | None:
    """A command prefix under which file permissions hold (root ignores them), None where there is none.

    A new user namespace without a mapping leaves root's capabilities behind, so a read-only
    folder is read-only again; an ordinary user needs nothing.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return ()
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-U", "true"], capture_output=True, check=False)
    return ("unshare", "-U") if probe.returncode == 0 else None


def read_only_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o555)
    return path
