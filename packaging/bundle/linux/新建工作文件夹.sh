#!/bin/sh
# 建立工作文件夹：收件箱、输出、模板和一份可以修改的“活动配置.toml”。
. "$(dirname "$0")/_工作文件夹.sh"
default="$HOME/数据要素大赛"
if [ $# -gt 0 ]; then
    new=$1
else
    echo "直接按回车，工作文件夹建在：$default"
    printf "或者输入另一个位置后按回车："
    read -r new
    new=$(unquote "$new")
fi
new=${new:-$default}
if "$ZJK" init "$new"; then
    command -v xdg-open >/dev/null 2>&1 && xdg-open "$new" >/dev/null 2>&1 &
fi
finish
