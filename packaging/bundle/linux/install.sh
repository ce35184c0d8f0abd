#!/bin/sh
# 离线安装 zjkcollect {version}（{platform}，Python {python}）：在本文件夹建立 .venv 并从 wheels 安装，不需要联网。
# 用法：sh install.sh          （用其他 Python 时：PYTHON=/usr/local/bin/python{python} sh install.sh）
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
PY=${PYTHON:-}
if [ -z "$PY" ]; then
    for candidate in python{python} python3; do
        if command -v "$candidate" >/dev/null 2>&1; then PY=$candidate; break; fi
    done
fi
if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(0 if "%d.%d" % sys.version_info[:2] == "{python}" else 1)' 2>/dev/null; then
    echo "没有找到 Python {python}。本安装包里的程序需要 Python {python}（见 离线安装说明.txt）。"
    echo "已装好时可这样指定：PYTHON=/路径/python{python} sh install.sh"
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv; then
        echo "建立 Python 环境失败。UOS/麒麟上请先安装 python3-venv（系统自带的 Python 时），然后重试。"
        exit 1
    fi
fi
# 只从本文件夹的 wheels 安装，不理会本机的任何 pip 设置。
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT -u PIP_REQUIRE_VIRTUALENV \
    PIP_CONFIG_FILE=/dev/null \
    .venv/bin/python -m pip install --no-index --find-links wheels --upgrade --disable-pip-version-check zjkcollect

# 桌面启动器：把文件夹拖到图标上即可运行，不用打开终端。
for name in 校验 汇总 生成模板 新建工作文件夹; do
    cat > "$name.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=zjkcollect $name
Exec=sh "$HERE/$name.sh" %f
Terminal=true
Categories=Office;
DESKTOP
    chmod +x "$name.desktop" "$name.sh"
done

.venv/bin/zjkcollect --version
echo
echo "安装完成。以后可以这样使用："
echo "  1. 双击“新建工作文件夹.desktop”（或运行 sh 新建工作文件夹.sh）建立工作文件夹；"
echo "  2. 把工作文件夹里的“收件箱”拖到“校验.desktop”上，校验收到的表格；"
echo "  3. 每周四把工作文件夹拖到“汇总.desktop”上，生成汇总表。"
echo "在终端里直接使用：$HERE/.venv/bin/zjkcollect --help"
