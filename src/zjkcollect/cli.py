"""The command line: thin wrappers that parse options, call one library function and render.

Only this module imports Typer. Heavy libraries are imported inside the commands so that
``zjkcollect --help`` starts fast.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from zjkcollect.errors import ZjkError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

HELP_TEXT = "显示本帮助并退出。"
# Typer's own words in help and errors are English; the clerk reads Chinese.
_HELP_WORDS = (("default: ", "默认："), ("required", "必填"), ("env var: ", "环境变量："))


def _chinese(text: str) -> str:
    for english, chinese in _HELP_WORDS:
        text = text.replace(english, chinese)
    return text


class _ChineseHelp:
    """Plain (not rich) help in Chinese: rich's import alone would double the start-up time."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")  # type: ignore[attr-defined]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"参数": [], "选项": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is not None:
                name = "参数" if param.param_type_name == "argument" else "选项"
                sections[name].append((record[0], _chinese(record[1])))
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        commands = getattr(self, "list_commands", None)
        if commands is not None:
            rows = []
            for name in commands(ctx):
                command = self.get_command(ctx, name)  # type: ignore[attr-defined]
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=60)))
            if rows:
                with formatter.section("命令"):
                    formatter.write_dl(rows)


class _ChineseHelpGroup(_ChineseHelp, TyperGroup):
    pass


class _ChineseHelpCommand(_ChineseHelp, TyperCommand):
    pass


app = typer.Typer(
    cls=_ChineseHelpGroup,
    name="zjkcollect",
    help=(
        "张家口市“数据要素×”大赛报送工具：生成模板、校验报回的表格、汇总每周参赛项目。\n\n"
        "示例：zjkcollect make-templates --out 模板/ ；zjkcollect validate 收件箱/ ；"
        "zjkcollect merge --week 2025-06-26"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CampaignOption = Annotated[
    Path | None,
    typer.Option("--campaign", help="活动配置文件（TOML）；不填则使用内置的 2025 年配置。", show_default=False),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="出错时显示完整的程序错误信息（供开发人员排查）。")]

_debug = False


def _load_campaign(path: Path | None):
    from zjkcollect.campaign import load_campaign

    return load_campaign(path)


@app.callback()
def _root(debug: DebugOption = False) -> None:
    global _debug
    _debug = debug


@app.command("validate", cls=_ChineseHelpCommand)
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="要校验的文件或文件夹（文件夹会递归读取）。", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹；标注问题的退回副本写在其中的“退回”子文件夹。")] = Path(
        "out"
    ),
    json_file: Annotated[
        Path | None, typer.Option("--json", help="另存一份 JSON 格式的校验结果。", show_default=False)
    ] = None,
    campaign: CampaignOption = None,
) -> int:
    """校验报回的附件2/3/4：逐个文件、逐个单元格指出问题，并生成标注问题的退回副本。

    有错误时退出码为 1，只有警告或没有问题时为 0，命令本身无法运行时为 2。

    示例：zjkcollect validate 收件箱/ --json 校验结果.json
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths, run_validation, validation_outputs

    settings = _load_campaign(campaign)
    files = collect_paths(paths, exclude=validation_outputs(out, json_file, paths))
    with render.progress_bar(len(files)) as tick:
        run = run_validation(files, settings, out, json_file, tick, _redirected, sources=paths)
    render.show_report(run.report)
    if run.copies:
        render.info(f"已生成 {len(run.copies)} 份标注问题的退回副本：{out / '退回'}")
    raise typer.Exit(1 if run.report.has_errors else 0)


def _redirected(target: Path, actual: Path) -> None:
    from zjkcollect import render

    render.warn(f"{target} 正被其他程序（如 Excel）打开，结果已另存为 {actual}")


@app.command("make-templates", cls=_ChineseHelpCommand)
def make_templates_command(
    out: Annotated[Path, typer.Option("--out", help="模板保存到的文件夹。")] = Path("out/模板"),
    per_reporter: Annotated[
        bool,
        typer.Option(
            "--per-reporter", help="为名册中每个报送单位各生成一套、已填好“填报单位”的模板（每单位一个子文件夹）。"
        ),
    ] = False,
    campaign: CampaignOption = None,
) -> None:
    """生成附件2、附件3、附件4 空白模板（含下拉列表、填写提示和填表说明）。

    修改活动配置文件（赛道、赛题、报送单位等）后重新运行即可更新模板。

    示例：zjkcollect make-templates --out 模板/ --per-reporter
    """
    from zjkcollect import render
    from zjkcollect.templates import write_templates

    written = write_templates(_load_campaign(campaign), out, per_reporter=per_reporter, on_redirect=_redirected)
    render.info(f"已生成 {len(written)} 个模板，保存在 {out}")


DbOption = Annotated[
    Path, typer.Option("--db", help="账本文件（记录收到的每份报表；原文件另存于其旁的 archive 文件夹）。")
]
ReceivedOption = Annotated[
    str | None,
    typer.Option(
        "--received",
        help="本次新收录文件的实际收到日期（默认今天），如 2025-06-26；判断“迟报”用。",
        show_default=False,
    ),
]


def _clock(received: str | None) -> Callable[[], dt.datetime]:
    from zjkcollect.merge import received_on, system_clock

    return received_on(received) if received else system_clock


@app.command("merge", cls=_ChineseHelpCommand)
def merge_command(
    week: Annotated[str, typer.Option("--week", help="统计周（周四），如 2025-06-26。", show_default=False)],
    inbox: Annotated[Path, typer.Option("--inbox", help="存放报回表格的文件夹（递归读取）。")] = Path("inbox"),
    out: Annotated[Path, typer.Option("--out", help="汇总表和报省附件3的输出文件夹。")] = Path("out"),
    json_file: Annotated[
        Path | None, typer.Option("--json", help="另存一份 JSON 格式的汇总结果。", show_default=False)
    ] = None,
    db: DbOption = Path("zjkcollect.db"),
    received: ReceivedOption = None,
    campaign: CampaignOption = None,
) -> None:
    """每周汇总：收录收件箱中的新报表，按单位取截至该周最新的附件3，生成全市汇总表和报省的附件3。

    已收录过的文件（内容相同）不会重复收录；收录和输出要么全部完成，要么都不生效。

    示例：zjkcollect merge --week 2025-06-26 --inbox 收件箱/ --out 输出/
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths
    from zjkcollect.merge import run_merge

    settings = _load_campaign(campaign)
    with render.progress_bar(len(collect_paths([inbox])) if inbox.is_dir() else 0) as tick:
        run = run_merge(settings, week, inbox, out, db, json_file, tick, _redirected, _clock(received))
    render.show_merge(run)


@app.command("ingest", cls=_ChineseHelpCommand)
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="要收录的文件或文件夹（文件夹会递归读取）。", show_default=False)],
    db: DbOption = Path("zjkcollect.db"),
    received: ReceivedOption = None,
    campaign: CampaignOption = None,
) -> None:
    """只收录报表到账本、不汇总（收到邮件当天收录，“迟报”按收录日期判断）。

    merge 会自动收录收件箱中的新报表；validate 不收录。

    示例：zjkcollect ingest 收件箱/第1周/ --received 2025-06-26
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths
    from zjkcollect.merge import run_ingest

    settings = _load_campaign(campaign)
    with render.progress_bar(len(collect_paths(paths))) as tick:
        run = run_ingest(settings, paths, db, tick, _clock(received))
    render.show_ingest(run)


@app.command("status", cls=_ChineseHelpCommand)
def status_command(
    week: Annotated[
        str | None, typer.Option("--week", help="统计周（周四）；不填则为今天之前最近的周四。", show_default=False)
    ] = None,
    db: DbOption = Path("zjkcollect.db"),
    campaign: CampaignOption = None,
) -> None:
    """查看各单位每周报送情况（已报送 / 迟报 / 未更新 / 未报送），本周仍未报送的单位排在最前。

    示例：zjkcollect status --week 2025-07-03
    """
    from zjkcollect import render
    from zjkcollect.merge import status_table

    render.show_status(status_table(_load_campaign(campaign), db, week))


def main() -> None:
    """Entry point: a run-stopping problem becomes one Chinese line and exit code 2, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except ZjkError as exc:
        _fail(str(exc), exc)
    except typer.TyperException as exc:  # click's usage errors: say them in Chinese
        _usage_error(exc)
    except typer.Abort:
        _fail("已取消。", None)
    except KeyboardInterrupt:
        _fail("已中断，未完成的输出没有写入。", None)
    except Exception as exc:  # anything unexpected: one line, details only with --debug
        _fail(f"程序内部错误：{type(exc).__name__}: {exc}。请加 --debug 重新运行并把输出发给开发人员。", exc)
    else:
        sys.exit(result if isinstance(result, int) else 0)


_USAGE_PATTERNS = (
    (re.compile(r"Option '(.+)' requires an argument\."), "选项 {0} 后面需要跟一个值。"),
    (re.compile(r"Option '(.+)' requires (\d+) arguments\."), "选项 {0} 后面需要跟 {1} 个值。"),
    (re.compile(r"No such command '(.+)'\."), "没有 {0} 这个命令。"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), "多余的参数：{0}。"),
)


def _usage_error(exc: Any) -> None:
    """Click's usage errors, said in Chinese with where to find the usage."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2))
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    hint = "、".join(param.opts) if param is not None and getattr(param, "opts", None) else getattr(param, "name", "")
    kind = type(exc).__name__
    if kind == "MissingParameter":
        what = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        message = f"缺少必填的{what} {hint}。"
    elif kind == "NoSuchOption":
        message = f"没有 {exc.option_name} 这个选项。"
    elif kind == "BadParameter":
        message = f"{hint} 的值无效：{exc.message}"
    else:
        text = exc.format_message()
        message = next(
            (
                template.format(*match.groups())
                for pattern, template in _USAGE_PATTERNS
                if (match := pattern.search(text))
            ),
            f"命令用法有误：{text}",
        )
    command = ctx.command_path if ctx is not None else "zjkcollect"
    sys.stderr.write(f"错误：{message}\n查看用法：{command} --help\n")
    sys.exit(getattr(exc, "exit_code", 2))


def _fail(message: str, exc: BaseException | None) -> None:
    if _debug and exc is not None:
        import traceback

        traceback.print_exception(exc)
    sys.stderr.write(f"错误：{message}\n")
    sys.exit(2)
