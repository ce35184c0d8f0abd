# 由其他脚本引用：从给出的位置向上找工作文件夹（有“活动配置.toml”的那一个）。
ZJK="$(cd "$(dirname "$0")" && pwd)/.venv/bin/zjkcollect"
if [ ! -x "$ZJK" ]; then
    echo "还没有安装：请先运行 sh install.sh"
    exit 2
fi
finish() {
    echo
    printf "按回车键关闭……"
    read -r _ || true
}
working_folder() {
    if [ -d "$1" ]; then dir=$(cd "$1" && pwd); else dir=$(cd "$(dirname "$1")" && pwd) || return 1; fi
    while [ "$dir" != "/" ]; do
        if [ -f "$dir/活动配置.toml" ]; then echo "$dir"; return 0; fi
        dir=$(dirname "$dir")
    done
    return 1
}
unquote() {
    # a path dragged into the terminal arrives in quotes
    printf '%s' "$1" | sed "s/^[[:space:]]*['\"]//; s/['\"][[:space:]]*\$//"
}
