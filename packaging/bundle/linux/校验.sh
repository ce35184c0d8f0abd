#!/bin/sh
# 用法：把“收件箱”文件夹（或其中某一周的文件夹、某个文件）拖到“校验.desktop”上，或 sh 校验.sh 收件箱
. "$(dirname "$0")/_工作文件夹.sh"
if [ $# -eq 0 ]; then
    echo "用法：把“收件箱”文件夹（或其中某一周的文件夹）拖到“校验.desktop”的图标上。"
    finish
    exit 2
fi
target=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(working_folder "$target" || dirname "$target")
cd "$dir"
"$ZJK" validate "$target" || true
finish
