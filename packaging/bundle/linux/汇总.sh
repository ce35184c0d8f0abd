#!/bin/sh
# 用法：每周四把工作文件夹拖到“汇总.desktop”上，或 sh 汇总.sh 工作文件夹
. "$(dirname "$0")/_工作文件夹.sh"
if [ $# -eq 0 ]; then
    printf "请输入工作文件夹的位置后按回车："
    read -r given
    given=$(unquote "$given")
else
    given=$1
fi
if ! dir=$(working_folder "$given"); then
    echo "这里不是工作文件夹（其中没有“活动配置.toml”）。请先运行“新建工作文件夹”。"
    finish
    exit 2
fi
cd "$dir"
printf "请输入统计周（周四，例如 2025-07-03），然后按回车："
read -r week
if "$ZJK" merge --week "$week"; then
    command -v xdg-open >/dev/null 2>&1 && xdg-open "$dir/输出" >/dev/null 2>&1 &
fi
finish
