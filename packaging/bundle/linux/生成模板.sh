#!/bin/sh
# 用法：把工作文件夹拖到“生成模板.desktop”上，或 sh 生成模板.sh 工作文件夹
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
if "$ZJK" make-templates; then
    command -v xdg-open >/dev/null 2>&1 && xdg-open "$dir/模板" >/dev/null 2>&1 &
fi
finish
