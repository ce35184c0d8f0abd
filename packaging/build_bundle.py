"""Build an offline install bundle for a clerk's PC without internet.

    python packaging/build_bundle.py --platform windows-x64
    python packaging/build_bundle.py --platform linux-x86_64 --python 3.12

writes ``dist/zjkcollect-<version>-<platform>-offline.zip``: this project's wheel and every
dependency's wheel *for the target* (platform, Python version), an install script that makes a
virtual environment beside itself and installs with ``--no-index``, launchers a clerk can use
without a terminal, and a short Chinese ``离线安装说明.txt``.

Why not just ``pip download --platform``: pip evaluates environment markers against the machine
it runs on, not the target, so a bundle made on Linux would lack ``colorama`` (``typer`` needs it
on Windows only) and fail to install there. Here pip resolves versions; the set of packages is
then recomputed from each wheel's ``Requires-Dist`` with the markers evaluated *for the target*,
missing ones are fetched, surplus ones dropped, and every wheel's tags are checked against the
target before the zip is written.

Needs the package index (run it on a machine with internet access) and ``packaging``.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging import tags
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PROJECT = "zjkcollect"


@dataclass(frozen=True)
class Target:
    name: str
    platforms: tuple[str, ...]  # wheel platform tags the target accepts, best first
    system: str  # platform_system
    sys_platform: str
    os_name: str
    machine: str  # platform_machine

    @property
    def windows(self) -> bool:
        return self.system == "Windows"


def _manylinux(arch: str) -> tuple[str, ...]:
    # UOS 20 and Kylin V10 have glibc 2.28 or newer: wheels built for glibc up to 2.28 run there.
    modern = [f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)]
    legacy = [f"manylinux2014_{arch}", *((f"manylinux2010_{arch}", f"manylinux1_{arch}") if arch == "x86_64" else ())]
    return (*modern, *legacy)


TARGETS = {
    "windows-x64": Target("windows-x64", ("win_amd64",), "Windows", "win32", "nt", "AMD64"),
    "linux-x86_64": Target("linux-x86_64", _manylinux("x86_64"), "Linux", "linux", "posix", "x86_64"),
    "linux-aarch64": Target("linux-aarch64", _manylinux("aarch64"), "Linux", "linux", "posix", "aarch64"),
}


def marker_environment(target: Target, python: str) -> dict[str, str]:
    """Every PEP 508 marker variable as it is on the target, so nothing of this machine leaks in."""
    full = f"{python}.0"
    return {
        "implementation_name": "cpython",
        "implementation_version": full,
        "os_name": target.os_name,
        "platform_machine": target.machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": target.system,
        "platform_version": "",
        "python_full_version": full,
        "python_version": python,
        "sys_platform": target.sys_platform,
        "extra": "",
    }


def supported_tags(target: Target, python: str) -> set[tags.Tag]:
    version = tuple(int(part) for part in python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    found = set(tags.cpython_tags(version, abis=[interpreter], platforms=target.platforms))
    found |= set(tags.compatible_tags(version, interpreter, platforms=target.platforms))
    return found


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def _target_options(target: Target, python: str) -> list[str]:
    options = ["--only-binary=:all:", "--python-version", python, "--implementation", "cp"]
    options += ["--abi", f"cp{python.replace('.', '')}", "--abi", "abi3", "--abi", "none"]
    for platform in target.platforms:
        options += ["--platform", platform]
    return options


def build_project_wheel(folder: Path) -> Path:
    _pip("wheel", "--no-deps", "--wheel-dir", str(folder), str(ROOT))
    [wheel] = folder.glob(f"{PROJECT}-*.whl")
    return wheel


@dataclass
class Wheel:
    path: Path
    name: str
    version: str
    requires: list[Requirement]


def read_wheel(path: Path) -> Wheel:
    name, version, _build, _tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as archive:
        metadata = next(item for item in archive.namelist() if item.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    requires = [Requirement(text) for text in message.get_all("Requires-Dist") or []]
    return Wheel(path, canonicalize_name(name), str(version), requires)


def _applies(requirement: Requirement, environment: dict[str, str], extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(Marker(str(requirement.marker)).evaluate({**environment, "extra": extra}) for extra in ("", *extras))


def resolve(project_wheel: Path, target: Target, python: str, folder: Path) -> list[Wheel]:
    """Every wheel the target needs, with the markers evaluated for the target."""
    _pip("download", "--dest", str(folder), *_target_options(target, python), str(project_wheel))
    environment = marker_environment(target, python)
    wheels = {wheel.name: wheel for wheel in map(read_wheel, folder.glob("*.whl"))}
    needed: dict[str, Wheel] = {}
    queue: list[tuple[Requirement, tuple[str, ...]]] = [(Requirement(PROJECT), ())]
    while queue:
        requirement, extras = queue.pop()
        if not _applies(requirement, environment, extras):
            continue
        name = canonicalize_name(requirement.name)
        wheel = wheels.get(name)
        if wheel is None or not requirement.specifier.contains(wheel.version, prereleases=True):
            # Needed on the target only (e.g. colorama on Windows): pip skipped it on this machine.
            wanted = f"{requirement.name}{requirement.specifier}"
            _pip("download", "--no-deps", "--dest", str(folder), *_target_options(target, python), wanted)
            wheels = {wheel.name: wheel for wheel in map(read_wheel, folder.glob("*.whl"))}
            wheel = wheels[name]
        if name in needed and not requirement.extras:
            continue
        needed[name] = wheel
        queue.extend((sub, tuple(requirement.extras)) for sub in wheel.requires)
    check_tags(list(needed.values()), target, python)
    return sorted(needed.values(), key=lambda wheel: wheel.name)


def check_tags(wheels: list[Wheel], target: Target, python: str) -> None:
    accepted = supported_tags(target, python)
    for wheel in wheels:
        _name, _version, _build, wheel_tags = parse_wheel_filename(wheel.path.name)
        if not set(wheel_tags) & accepted:
            raise SystemExit(f"{wheel.path.name} does not install on {target.name} / Python {python}")


def _text(name: str, **values: str) -> str:
    text = (HERE / "bundle" / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _windows_bytes(text: str) -> bytes:
    # cmd.exe reads a batch file in the console's code page: GBK (cp936) on Chinese Windows.
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk")


def write_bundle(wheels: list[Wheel], target: Target, python: str, version: str, out: Path) -> Path:
    folder_name = f"{PROJECT}-{version}-{target.name}-offline"
    zip_path = out / f"{folder_name}.zip"
    out.mkdir(parents=True, exist_ok=True)
    values = {"version": version, "python": python, "platform": target.name}
    temp = zip_path.with_name(f".~{zip_path.name}")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, executable: bool = False) -> None:
            info = zipfile.ZipInfo(f"{folder_name}/{name}", date_time=(2025, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)

        for wheel in wheels:
            add(f"wheels/{wheel.path.name}", wheel.path.read_bytes())
        listing = "".join(f"{wheel.name}=={wheel.version}\n" for wheel in wheels)
        add("wheels/清单.txt", listing.encode("utf-8"))
        guide = _text("离线安装说明-windows.txt" if target.windows else "离线安装说明-linux.txt", **values)
        # Notepad on older Windows needs the byte order mark to read UTF-8.
        add("离线安装说明.txt", ("\ufeff" + guide).encode("utf-8") if target.windows else guide.encode("utf-8"))
        scripts = HERE / "bundle" / ("windows" if target.windows else "linux")
        for script in sorted(scripts.iterdir()):
            text = _text(f"{scripts.name}/{script.name}", **values)
            if target.windows:
                add(script.name, _windows_bytes(text))
            else:
                add(script.name, text.encode("utf-8"), executable=True)
    os.replace(temp, zip_path)
    return zip_path


def build(platform: str, python: str, out: Path) -> Path:
    target = TARGETS[platform]
    with tempfile.TemporaryDirectory(prefix="zjk-bundle-") as work:
        folder = Path(work)
        project_wheel = build_project_wheel(folder / "project")
        wheels_folder = folder / "wheels"
        wheels_folder.mkdir()
        shutil.copy2(project_wheel, wheels_folder)
        wheels = resolve(wheels_folder / project_wheel.name, target, python, wheels_folder)
        version = read_wheel(project_wheel).version
        return write_bundle(wheels, target, python, version, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=sorted(TARGETS), required=True)
    parser.add_argument(
        "--python",
        default=f"{sys.version_info.major}.{sys.version_info.minor}",
        help="Python version on the target PC, e.g. 3.12 (default: the one running this script)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    if tuple(int(part) for part in args.python.split(".")) < (3, 11):
        parser.error("zjkcollect needs Python 3.11 or newer on the target")
    path = build(args.platform, args.python, args.out)
    print(path)


if __name__ == "__main__":
    main()
