"""Offline install bundles: the Linux one installs with no index and validates; the Windows one is complete.

Building a bundle downloads wheels from the package index, so these tests are slow.
"""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.clerk import EXAMPLES, ROOT
from zjkcollect import __version__

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# Written out here, not taken from the builder: what a 64-bit Windows PC reports to pip.
WINDOWS = {
    "implementation_name": "cpython",
    "implementation_version": f"{PYTHON}.0",
    "os_name": "nt",
    "platform_machine": "AMD64",
    "platform_python_implementation": "CPython",
    "platform_release": "10",
    "platform_system": "Windows",
    "platform_version": "10.0.19045",
    "python_full_version": f"{PYTHON}.0",
    "python_version": PYTHON,
    "sys_platform": "win32",
    "extra": "",
}


def build(platform: str, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_bundle.py"), "--platform", platform, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    bundle = out / f"zjkcollect-{__version__}-{platform}-offline.zip"
    assert bundle.is_file()
    return bundle


def _offline_env() -> dict[str, str]:
    """No pip settings of this machine, and any attempt to reach the network fails."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "PYTHON": sys.executable,
            "PYTHONPATH": "",
        }
    )
    return env


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform != "linux" or os.uname().machine != "x86_64", reason="installs the x86-64 Linux bundle"
)
def test_linux_bundle_installs_offline_and_validates(tmp_path: Path) -> None:
    bundle = build("linux-x86_64", tmp_path / "dist")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "pc")
    [folder] = (tmp_path / "pc").iterdir()
    for script in folder.glob("*.sh"):  # zipfile does not restore the executable bit
        script.chmod(0o755)
    env = _offline_env()
    installed = subprocess.run(
        ["sh", "install.sh"], cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    zjk = folder / ".venv" / "bin" / "zjkcollect"
    assert zjk.is_file() and (folder / "校验.desktop").is_file()
    work = tmp_path / "work"
    work.mkdir()
    validated = subprocess.run(
        [str(zjk), "validate", str(EXAMPLES)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert validated.returncode == 1, validated.stderr  # the example inbox has planted errors
    assert "第1周-2025-06-26/张北县.xls" in validated.stdout and "错误" in validated.stdout
    # The launcher a clerk drags the inbox onto: outside a working folder it writes beside the folder given.
    inbox = work / "收件箱"
    shutil.copytree(EXAMPLES, inbox)
    launched = subprocess.run(
        ["sh", str(folder / "校验.sh"), str(inbox)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert "第2周-2025-07-03/崇礼区-附件3.ods" in launched.stdout, launched.stderr
    assert (work / "输出" / "退回").is_dir()


@pytest.mark.slow
def test_windows_bundle_holds_a_windows_wheel_for_every_dependency(tmp_path: Path) -> None:
    bundle = build("windows-x64", tmp_path / "dist")
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        wheels = {}
        for name in names:
            if name.endswith(".whl"):
                project, version, _build, tags = parse_wheel_filename(Path(name).name)
                platforms = {tag.platform for tag in tags}
                assert platforms & {"win_amd64", "any"}, name
                if "win_amd64" in platforms:  # compiled: for this Python, or for the stable ABI
                    assert {tag.abi for tag in tags} & {f"cp{PYTHON.replace('.', '')}", "abi3"}, name
                with zipfile.ZipFile(archive.open(name)) as wheel:
                    metadata = next(item for item in wheel.namelist() if item.endswith(".dist-info/METADATA"))
                    message = email.parser.Parser().parsestr(wheel.read(metadata).decode("utf-8"))
                wheels[canonicalize_name(project)] = (version, message.get_all("Requires-Dist") or [])
        assert "colorama" in wheels  # typer needs it on Windows only
        assert "zjkcollect" in wheels
        # Every requirement that applies on Windows is met by a wheel in the bundle.
        for project, (_version, requires) in wheels.items():
            for text in requires:
                requirement = Requirement(text)
                if requirement.marker is not None and not Marker(str(requirement.marker)).evaluate(WINDOWS):
                    continue
                found = wheels.get(canonicalize_name(requirement.name))
                assert found is not None, f"{project} needs {requirement} on Windows"
                assert requirement.specifier.contains(found[0], prereleases=True), f"{project} needs {requirement}"
        root = names[0].split("/")[0]
        install = archive.read(f"{root}/安装.bat").decode("gbk")  # cmd reads batch files in the console's code page
        assert f"py -{PYTHON}" in install and "--no-index" in install and "\r\n" in install
        for launcher in ("校验.bat", "汇总.bat", "生成模板.bat", "新建工作文件夹.bat"):
            assert "zjkcollect" in archive.read(f"{root}/{launcher}").decode("gbk")
        guide = archive.read(f"{root}/离线安装说明.txt").decode("utf-8-sig")
        assert f"Python {PYTHON}" in guide and "安装.bat" in guide
