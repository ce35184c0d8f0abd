"""The command line: thin wrappers that parse options, call one library function and render.

Only this module imports Typer. Heavy libraries are imported inside the commands so that
``zjkcollect --help`` starts fast. The help is our own plain Chinese text: no Python type
names, wrapped by display width (a Chinese character takes two columns) to fit 80 columns.
"""

from __future__ import annotations

import functools
import gc
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from zjkcollect import __version__
from zjkcollect.columns import cells, wrap
from zjkcollect.data import builtin_examples, file_examples
from zjkcollect.errors import INTERRUPTED, ZjkError, check_output_file, check_writable_folder, machine_problem
from zjkcollect.text import weekday_name

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator

    from zjkcollect.campaign import Campaign

HELP_TEXT = "显示本帮助并退出。"
HELP_WIDTH = 80

# The clerk's working folder (``zjkcollect init``); the defaults of every command point into it.
WORKING_CAMPAIGN = "活动配置.toml"


def _campaign_in_argv(argv: list[str]) -> str | None:
    """The value of --campaign on this command line, if any."""
    for index, arg in enumerate(argv):
        if arg == "--campaign" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--campaign="):
            return arg.partition("=")[2]
    return None


# Help texts write the example dates and the update day as {week}, {next_week} and {day}, and the
# shipped campaign as {builtin}. They are filled in only when help is shown: reading a campaign
# file for them on every run would cost more than some commands take.
@functools.cache
def _example_values() -> dict[str, str]:
    """The values for the help's placeholders, from the campaign this run would use.

    Found the way _load_campaign finds it (--campaign, else the working folder's file, else the
    shipped one), from the command line itself: help is shown before Typer has read the options.
    A file that cannot be read falls back to the shipped calendar; the command itself then says
    what is wrong with the file.
    """
    shipped = builtin_examples()
    chosen = _campaign_in_argv(sys.argv[1:])
    if chosen is None and Path(WORKING_CAMPAIGN).is_file():
        chosen = WORKING_CAMPAIGN
    examples = (file_examples(chosen) if chosen is not None else None) or shipped
    return {
        "{week}": examples.first_week if examples else "年-月-日",
        "{next_week}": examples.second_week if examples else "年-月-日",
        "{day}": weekday_name(examples.weekday) if examples else "每周更新日",
        "{builtin}": f"内置的 {shipped.year} 年配置" if shipped else "内置配置",
    }


def _with_examples(text: str | None) -> str | None:
    if not text or "{" not in text:
        return text
    for placeholder, value in _example_values().items():
        text = text.replace(placeholder, value)
    return text


INBOX_FOLDER = Path("收件箱")
OUTPUT_FOLDER = Path("输出")
TEMPLATE_FOLDER = Path("模板")
DEFAULT_DB = Path("账本") / "zjkcollect.db"


class Interrupted(ZjkError):
    """Ctrl-C: raised past Typer, which would otherwise end the run silently with 130."""

    def __init__(self) -> None:
        super().__init__(INTERRUPTED)


# --- help: plain Chinese, wrapped by display width ------------------------------------------------


class HelpWriter:
    """Click's help formatter interface, with Chinese headings and width-aware wrapping."""

    def __init__(self, width: int | None = None) -> None:
        columns = shutil.get_terminal_size((HELP_WIDTH, 24)).columns
        self.width = width or max(40, min(columns, HELP_WIDTH) - 1)
        self.current_indent = 0
        self.buffer: list[str] = []

    def write(self, text: str) -> None:
        self.buffer.append(text)

    def indent(self) -> None:
        self.current_indent += 2

    def dedent(self) -> None:
        self.current_indent -= 2

    @contextmanager
    def indentation(self) -> Iterator[None]:
        self.indent()
        try:
            yield
        finally:
            self.dedent()

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        self.write_paragraph()
        self.write_heading(name)
        with self.indentation():
            yield

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{heading}：\n")

    def write_paragraph(self) -> None:
        if self.buffer:
            self.write("\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = prefix or "用法："
        self._lines(wrap(f"{prefix}{prog} {args}".rstrip(), self.width), hanging=cells(prefix))

    def write_text(self, text: str) -> None:
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
            if number:
                self.write("\n")
            if paragraph.startswith("\b"):  # click's mark for a paragraph kept as written
                for line in paragraph[1:].strip("\n").splitlines():
                    self._lines(wrap(line, self.width - self.current_indent), hanging=4)
                continue
            self._lines(wrap(_join_lines(paragraph), self.width - self.current_indent))

    def write_dl(self, rows: list[tuple[str, str]], col_max: int = 24, col_spacing: int = 2) -> None:
        first = min(max((cells(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            indent = " " * self.current_indent
            room = max(self.width - self.current_indent - first, 20)
            lines = wrap(text, room) if text else [""]
            if cells(term) + col_spacing > first:
                self.write(f"{indent}{term}\n")
                head = " " * first
            else:
                head = term + " " * (first - cells(term))
            self.write(f"{indent}{head}{lines[0]}".rstrip() + "\n")
            for line in lines[1:]:
                self.write(f"{indent}{' ' * first}{line}\n")

    def _lines(self, lines: list[str], hanging: int = 0) -> None:
        indent = " " * self.current_indent
        for number, line in enumerate(lines):
            self.write(f"{indent}{' ' * hanging if number else ''}{line}\n")

    def getvalue(self) -> str:
        return "".join(self.buffer)


def _join_lines(paragraph: str) -> str:
    """Source lines of one paragraph as one line: Chinese joins without a space, Latin words with one."""
    text = ""
    for line in paragraph.splitlines():
        line = line.strip()
        if text and line and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def _param_name(param: Any) -> str:
    if param.param_type_name == "argument":
        return (param.metavar or param.name) + ("..." if param.nargs != 1 else "")
    name = ", ".join(sorted(param.opts, key=len))
    if not param.is_flag:
        name += f" {param.metavar or '值'}"
    return name


def _param_help(param: Any) -> str:
    text = param.help or ""
    default = param.default
    if param.required:
        text += "（必填）"
    elif (
        param.param_type_name == "option"
        and param.show_default is not False
        and not param.is_flag
        and default not in (None, "", ())
        and not callable(default)
    ):
        text += f"（默认：{default}）"
    return text


def _short_help(command: Any) -> str:
    """The first sentence of a command's help."""
    text = _join_lines((command.help or "").strip().split("\n\n")[0])
    return text.split("。")[0].rstrip("；：，") + "。"


class _ChineseHelp:
    """Plain (not rich) help in Chinese: rich's import alone would double the start-up time."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option

    def get_help(self, ctx: Any) -> str:
        self._fill_examples(ctx)
        writer = HelpWriter()
        self.format_help(ctx, writer)  # type: ignore[attr-defined]
        return writer.getvalue().rstrip("\n")

    def _fill_examples(self, ctx: Any) -> None:
        """Put the example dates into this command's help, its options' and its commands' (once shown)."""
        self.help = _with_examples(self.help)  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if isinstance(getattr(param, "help", None), str):
                param.help = _with_examples(param.help)
        commands = getattr(self, "list_commands", None)
        for name in commands(ctx) if commands is not None else ():
            command = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if command is not None:
                command.help = _with_examples(command.help)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = ["[选项]"]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _param_name(param)
                pieces.append(name if param.required else f"[{name}]")
        if getattr(self, "list_commands", None) is not None:
            pieces.append("命令 [参数]...")
        return pieces

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"参数": [], "选项": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if getattr(param, "hidden", False):
                continue
            title = "参数" if param.param_type_name == "argument" else "选项"
            sections[title].append((_param_name(param), _param_help(param)))
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
                    rows.append((name, _short_help(command)))
            if rows:
                with formatter.section("命令"):
                    formatter.write_dl(rows)


class _ChineseHelpGroup(_ChineseHelp, TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            # Typer turns Ctrl-C into a silent exit 130; the clerk is told what happened instead.
            raise Interrupted() from exc


class _ChineseHelpCommand(_ChineseHelp, TyperCommand):
    pass


def _show_version(value: bool) -> None:
    if not value:
        return
    from zjkcollect.campaign import load_campaign
    from zjkcollect.data import builtin_campaign_name

    lines = [f"zjkcollect {__version__}（Python {sys.version_info.major}.{sys.version_info.minor}）"]
    builtin = load_campaign()
    lines.append(
        f"内置活动配置：{builtin_campaign_name()}，{builtin.campaign.name}，模板版本 {builtin.campaign.template_version}"
    )
    local = Path(WORKING_CAMPAIGN)
    if local.is_file():
        try:
            mine = load_campaign(local)
        except ZjkError as exc:
            lines.append(f"本文件夹的 {WORKING_CAMPAIGN} 无法使用：{exc}")
        else:
            lines.append(
                f"正在使用本文件夹的 {WORKING_CAMPAIGN}：{mine.campaign.name}，模板版本 {mine.campaign.template_version}"
            )
    typer.echo("\n".join(lines))
    raise typer.Exit(0)


app = typer.Typer(
    cls=_ChineseHelpGroup,
    name="zjkcollect",
    help="""“数据要素×”大赛报送工具：生成模板、校验报回的表格、汇总每周参赛项目。

    第一次使用：zjkcollect init 数据要素大赛，建立工作文件夹（收件箱、输出、模板和活动配置.toml）；
    以后在这个文件夹里运行各命令，不必再写文件夹的名字。

    示例：zjkcollect validate 收件箱 ；zjkcollect merge --week {week}

    每个命令的说明：zjkcollect 命令 --help，例如 zjkcollect merge --help。

    退出码：0 完成；1 校验发现错误（仅 validate）；2 命令无法运行（原因会用中文说明）。""",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


CampaignOption = Annotated[
    Path | None,
    typer.Option(
        "--campaign",
        metavar="文件",
        help=f"活动配置文件；不填时用当前文件夹的 {WORKING_CAMPAIGN}，没有则用{{builtin}}。",
        show_default=False,
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="出错时显示完整的程序错误信息（供开发人员排查）。")]
VersionOption = Annotated[
    bool,
    typer.Option("--version", help="显示程序和活动配置的版本并退出。", callback=_show_version, is_eager=True),
]

_debug = False


def _load_campaign(path: Path | None) -> Campaign:
    """The campaign named by --campaign, else the working folder's, else the shipped one."""
    from zjkcollect.campaign import load_campaign

    if path is None and Path(WORKING_CAMPAIGN).is_file():
        path = Path(WORKING_CAMPAIGN)
    return load_campaign(path)


@app.callback()
def _root(debug: DebugOption = False, version: VersionOption = False) -> None:
    global _debug
    _debug = debug


def _folder_for_output(folder: Path, option: str) -> None:
    """Fail before any work when the output folder cannot take files; it is created when needed."""
    if folder.exists():
        check_writable_folder(folder, "输出文件夹", option)
        return
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.is_file():
        raise ZjkError(f"无法建立输出文件夹 {folder}：{parent} 是一个文件，不是文件夹。请用 {option} 换一个文件夹")
    check_writable_folder(parent, f"输出文件夹 {folder} 的上级文件夹", option)


@app.command("validate", cls=_ChineseHelpCommand)
def validate_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="文件或文件夹", help="要校验的文件或文件夹（文件夹会连同子文件夹一起读取）。", show_default=False
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="文件夹", help="输出文件夹；标注问题的退回副本写在其中的“退回”子文件夹。")
    ] = OUTPUT_FOLDER,
    json_file: Annotated[
        Path | None, typer.Option("--json", metavar="文件", help="另存一份 JSON 格式的校验结果。", show_default=False)
    ] = None,
    campaign: CampaignOption = None,
) -> int:
    """校验报回的附件2/3/4：逐个文件、逐个单元格指出问题，并生成标注问题的退回副本。

    只校验，不收录进账本。文件名显示为相对于所给文件夹的名字。

    示例：zjkcollect validate 收件箱/第2周 --json 校验结果.json

    退出码：0 没有错误（可以有警告）；1 有错误，退回副本在“输出/退回”；2 命令无法运行。
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths, run_validation, validation_outputs

    settings = _load_campaign(campaign)
    files = collect_paths(paths, exclude=validation_outputs(out, json_file, paths))
    _folder_for_output(out, "--out")
    if json_file is not None:
        check_output_file(json_file, "--json")
    with render.progress_bar(len(files)) as tick:
        run = run_validation(files, settings, out, json_file, tick, _redirected, sources=paths)
    render.show_report(run.report, render.relative_base(paths))
    if run.copies:
        render.show_paths(f"\n已生成 {len(run.copies)} 份标注问题的退回副本，在：", [out / "退回"])
    if run.json_path is not None:
        render.show_paths("JSON 校验结果：", [run.json_path])
    raise typer.Exit(1 if run.report.has_errors else 0)


def _redirected(target: Path, actual: Path) -> None:
    from zjkcollect import render

    render.warn(f"{target} 正被其他程序（如 Excel）打开，结果已另存为：\n  {actual}")


@app.command("make-templates", cls=_ChineseHelpCommand)
def make_templates_command(
    out: Annotated[Path, typer.Option("--out", metavar="文件夹", help="模板保存到的文件夹。")] = TEMPLATE_FOLDER,
    per_reporter: Annotated[
        bool,
        typer.Option(
            "--per-reporter", help="为名册中每个报送单位各生成一套已填好“填报单位”的模板（每单位一个子文件夹）。"
        ),
    ] = False,
    campaign: CampaignOption = None,
) -> None:
    """生成附件2、附件3、附件4 空白模板（含下拉列表、填写提示和填表说明）。

    修改活动配置文件（赛道、赛题、报送单位等）后重新运行即可更新模板。

    示例：zjkcollect make-templates --out 模板 --per-reporter

    退出码：0 已生成；2 命令无法运行。
    """
    from zjkcollect import render
    from zjkcollect.templates import write_templates

    settings = _load_campaign(campaign)
    _folder_for_output(out, "--out")
    written = write_templates(settings, out, per_reporter=per_reporter, on_redirect=_redirected)
    render.show_paths(f"已生成 {len(written)} 个模板，保存在：", [out])


DbOption = Annotated[
    Path,
    typer.Option("--db", metavar="文件", help="账本文件（记录收到的每份报表；原文件另存于其旁的 archive 文件夹）。"),
]
ReceivedOption = Annotated[
    str | None,
    typer.Option(
        "--received",
        metavar="日期",
        help="本次新收录文件的实际收到日期（默认今天），如 {week}；判断“迟报”用。",
        show_default=False,
    ),
]


def _clock(received: str | None) -> Callable[[], dt.datetime]:
    from zjkcollect.merge import received_on, system_clock

    return received_on(received) if received else system_clock


@app.command("merge", cls=_ChineseHelpCommand)
def merge_command(
    week: Annotated[
        str, typer.Option("--week", metavar="日期", help="统计周（{day}），如 {week}。", show_default=False)
    ],
    inbox: Annotated[
        Path, typer.Option("--inbox", metavar="文件夹", help="存放报回表格的文件夹（连同子文件夹一起读取）。")
    ] = INBOX_FOLDER,
    out: Annotated[
        Path, typer.Option("--out", metavar="文件夹", help="汇总表和报省附件3的输出文件夹。")
    ] = OUTPUT_FOLDER,
    json_file: Annotated[
        Path | None, typer.Option("--json", metavar="文件", help="另存一份 JSON 格式的汇总结果。", show_default=False)
    ] = None,
    db: DbOption = DEFAULT_DB,
    received: ReceivedOption = None,
    campaign: CampaignOption = None,
) -> None:
    """每周汇总：收录收件箱中的新报表，生成全市汇总表、报省的附件3、催报名单和情况通报。

    每个单位取截至该周最新的附件3；收件箱里的邮件（.eml）和压缩包会被打开。已收录过的
    文件（内容相同）不会重复收录。收录和输出要么全部完成，要么都不生效；运行前会自动
    备份账本（账本旁的 backups 文件夹）。

    示例：zjkcollect merge --week {week} --inbox 收件箱 --out 输出

    退出码：0 汇总完成（报表中的错误列在汇总表的问题清单里）；2 命令无法运行。
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths
    from zjkcollect.merge import run_merge

    settings = _load_campaign(campaign)
    _folder_for_output(out, "--out")
    if json_file is not None:
        check_output_file(json_file, "--json")
    with render.progress_bar(len(collect_paths([inbox])) if inbox.is_dir() else 0) as tick:
        run = run_merge(settings, week, inbox, out, db, json_file, tick, _redirected, _clock(received))
    render.show_merge(run, inbox)


@app.command("ingest", cls=_ChineseHelpCommand)
def ingest_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="文件或文件夹", help="要收录的文件或文件夹（文件夹会连同子文件夹一起读取）。", show_default=False
        ),
    ],
    db: DbOption = DEFAULT_DB,
    received: ReceivedOption = None,
    campaign: CampaignOption = None,
) -> None:
    """只收录报表到账本、不汇总（收到邮件当天收录，“迟报”按收录日期判断）。

    merge 会自动收录收件箱中的新报表；validate 不收录。运行前会自动备份账本。

    示例：zjkcollect ingest 收件箱/第1周 --received {week}

    退出码：0 已收录；2 命令无法运行。
    """
    from zjkcollect import render
    from zjkcollect.inbox import collect_paths
    from zjkcollect.merge import run_ingest

    settings = _load_campaign(campaign)
    with render.progress_bar(len(collect_paths(paths))) as tick:
        run = run_ingest(settings, paths, db, tick, _clock(received))
    render.show_ingest(run, render.relative_base(paths))


@app.command("status", cls=_ChineseHelpCommand)
def status_command(
    week: Annotated[
        str | None,
        typer.Option(
            "--week", metavar="日期", help="统计周（{day}）；不填则为今天之前最近的{day}。", show_default=False
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    campaign: CampaignOption = None,
) -> None:
    """查看各单位每周报送情况（已报送、迟报、未更新、未报送），本周仍未报送的单位排在最前。

    示例：zjkcollect status --week {next_week}

    退出码：0 已显示；2 命令无法运行（例如还没有账本）。
    """
    from zjkcollect import render
    from zjkcollect.merge import status_table

    render.show_status(status_table(_load_campaign(campaign), db, week))


@app.command("init", cls=_ChineseHelpCommand)
def init_command(
    folder: Annotated[
        Path,
        typer.Argument(metavar="文件夹", help="要建立的工作文件夹（已存在也可以，已有的文件不会被覆盖）。"),
    ] = Path("."),
) -> None:
    """建立工作文件夹：收件箱、输出、模板三个子文件夹和一份可以修改的活动配置.toml。

    以后在这个文件夹里运行各命令时，自动使用其中的活动配置.toml 和这些子文件夹。

    示例：zjkcollect init D:/数据要素大赛

    退出码：0 已建立；2 命令无法运行。
    """
    from zjkcollect import render
    from zjkcollect.campaign import shipped_campaign_bytes
    from zjkcollect.outputs import atomic_write

    check_writable_folder(folder, "工作文件夹", "")
    for sub in (INBOX_FOLDER, OUTPUT_FOLDER, TEMPLATE_FOLDER):
        check_writable_folder(folder / sub, f"{sub}文件夹", "")
    config = folder / WORKING_CAMPAIGN
    if config.exists():
        kept = f"{WORKING_CAMPAIGN} 已存在，保持原样未覆盖。"
    else:
        with atomic_write(config) as temp:
            temp.write_bytes(shipped_campaign_bytes())
        kept = f"{WORKING_CAMPAIGN} 是内置活动配置的副本（含说明），可用记事本修改。"
    render.show_paths("工作文件夹已建立：", [folder.resolve()])
    render.info(f"  {INBOX_FOLDER}：每周把各单位发回的表格存到这里（可按周建子文件夹）")
    render.info(f"  {OUTPUT_FOLDER}：校验的退回副本、每周汇总表和报省附件3")
    render.info(f"  {TEMPLATE_FOLDER}：发给各单位的空白模板")
    render.info(f"  {kept}")
    render.info("下一步（在命令提示符中进入这个文件夹后运行）：")
    render.info("  zjkcollect make-templates              生成空白模板到“模板”")
    render.info("  zjkcollect validate 收件箱             校验收到的表格")
    render.info(_with_examples("  zjkcollect merge --week {week}     每{day}汇总") or "")


ledger_app = typer.Typer(
    cls=_ChineseHelpGroup,
    help="""账本的检查、恢复和重建。

    merge 和 ingest 每次写账本前都会把账本备份到它旁边的 backups 文件夹（保留最近几份）。
    账本损坏时，用 restore 从备份恢复，或用 rebuild 从 archive 文件夹重建。

    示例：zjkcollect ledger check ；zjkcollect ledger restore

    退出码：0 完成；2 命令无法运行（原因会用中文说明）。""",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("check", cls=_ChineseHelpCommand)
def ledger_check_command(db: DbOption = DEFAULT_DB) -> None:
    """检查账本是否完好，并列出可用的备份。

    示例：zjkcollect ledger check --db 账本/zjkcollect.db

    退出码：0 账本完好；2 账本损坏或无法打开（会说明如何恢复）。
    """
    from zjkcollect import render
    from zjkcollect.safekeeping import check_ledger, list_backups

    check_ledger(db)
    backups = list_backups(db)
    render.show_paths("账本完好：", [db])
    if backups:
        render.show_paths(f"备份 {len(backups)} 份（最新的在最后）：", [backup.path for backup in backups])
    else:
        render.info("还没有备份：下次运行 merge 或 ingest 时会自动备份。")


@ledger_app.command("restore", cls=_ChineseHelpCommand)
def ledger_restore_command(
    db: DbOption = DEFAULT_DB,
    backup: Annotated[
        Path | None,
        typer.Option(
            "--from", metavar="备份文件", help="用哪一份备份恢复；不填则用最新的完好备份。", show_default=False
        ),
    ] = None,
) -> None:
    """用备份恢复账本；原来的账本改名保留在旁边，不会删除。

    备份之后才收录的报表不在恢复的账本里：下次 merge 会重新收录收件箱中的文件，
    或运行 zjkcollect ledger rebuild 从 archive 文件夹补回（保留收录日期）。

    示例：zjkcollect ledger restore --db 账本/zjkcollect.db

    退出码：0 已恢复；2 无法恢复（例如没有完好的备份）。
    """
    from zjkcollect import render
    from zjkcollect.safekeeping import restore_ledger

    restored = restore_ledger(db, backup)
    render.show_paths(f"已用 {restored.backup.taken:%Y-%m-%d %H:%M} 的备份恢复账本：", [restored.backup.path])
    if restored.set_aside is not None:
        render.show_paths("原来的账本已改名保留：", [restored.set_aside])
    if restored.missing:
        render.info(
            f"archive 文件夹中有 {restored.missing} 个文件是在这份备份之后收录的，"
            "运行 zjkcollect ledger rebuild 可把它们补回账本。"
        )


@ledger_app.command("rebuild", cls=_ChineseHelpCommand)
def ledger_rebuild_command(db: DbOption = DEFAULT_DB, campaign: CampaignOption = None) -> None:
    """从 archive 文件夹中保存的原文件重建账本，收录日期尽量取自备份。

    每个原文件按当前活动配置重新校验；备份中记有的收录日期保持不变，
    其余文件以 archive 中文件的保存时间作为收录日期。原来的账本改名保留在旁边。

    示例：zjkcollect ledger rebuild --db 账本/zjkcollect.db

    退出码：0 已重建；2 无法重建（例如没有 archive 文件夹）。
    """
    from zjkcollect import render
    from zjkcollect.rebuild import rebuild_ledger

    settings = _load_campaign(campaign)
    with render.progress_bar(0) as tick:
        rebuilt = rebuild_ledger(settings, db, tick)
    render.show_paths(f"已从 archive 中的 {rebuilt.files} 个文件重建账本：", [db])
    render.info(f"  其中 {rebuilt.dated_from_backups} 个文件的收录日期取自备份或原账本，")
    render.info(f"  {rebuilt.dated_from_archive} 个文件取自 archive 中文件的保存时间。")
    if rebuilt.unreadable:
        render.info(f"  {rebuilt.unreadable} 个文件无法读取，未收录。")
    if rebuilt.set_aside is not None:
        render.show_paths("原来的账本已改名保留：", [rebuilt.set_aside])


def _safe_streams() -> None:
    """Never fail on a character the console cannot show (a GBK console, a redirect on Chinese Windows)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):  # a stream that cannot be changed keeps its settings
            continue


def main() -> None:
    """Entry point: a run-stopping problem becomes Chinese text and exit code 2, never a traceback."""
    _safe_streams()
    try:
        result = app(standalone_mode=False)
    except ZjkError as exc:
        _fail(str(exc), exc)
    except typer.TyperException as exc:  # click's usage errors: say them in Chinese
        _usage_error(exc)
    except typer.Abort:
        _fail("已取消。", None)
    except KeyboardInterrupt as exc:
        _fail(INTERRUPTED, exc)
    except Exception as exc:
        problem = machine_problem(exc)
        if problem is not None:  # the clerk's machine (disk, permissions, ledger file): say what to do
            _fail(problem, exc)
        # anything else is a bug of ours: one line, details only with --debug
        _fail(f"程序内部错误：{type(exc).__name__}: {exc}。请加 --debug 重新运行并把输出发给开发人员。", exc)
    else:
        # The command is done: the collections at interpreter exit need not walk every object the
        # imports made (≈ 25 ms of a validate's 0.4 s). Objects are still freed; only the cyclic
        # collector leaves them alone.
        gc.freeze()
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
    kind = type(exc).__name__
    if kind == "MissingParameter" and param is not None:
        what = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        name = param.metavar or param.name if what == "参数" else "、".join(param.opts)
        message = f"缺少必填的{what} {name}。"
    elif kind == "NoSuchOption":
        message = f"没有 {exc.option_name} 这个选项。"
    elif kind == "BadParameter":
        hint = _param_name(param) if param is not None else ""
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
