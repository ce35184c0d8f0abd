"""The command line: thin wrappers that parse options, call one library function and render.

Only this module imports Typer. Heavy libraries are imported inside the commands so that
``zjkcollect --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from zjkcollect.errors import ZjkError

app = typer.Typer(
    name="zjkcollect",
    help=(
        "张家口市“数据要素×”大赛报送工具：生成模板、校验报回的表格、汇总每周参赛项目。\n\n"
        "示例：zjkcollect make-templates --out 模板/ ；zjkcollect validate 收件箱/ ；"
        "zjkcollect merge --week 2025-06-26"
    ),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CampaignOption = Annotated[
    Path | None,
    typer.Option("--campaign", help="活动配置文件（TOML）；不填则使用内置的 2025 年配置。", show_default=False),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="出错时显示完整的程序错误信息（供开发人员排查）。")]

_debug = False


def _load_campaign(path: Path | None):  # noqa: ANN202 - returns zjkcollect.campaign.Campaign
    from zjkcollect.campaign import load_campaign

    return load_campaign(path)


@app.callback()
def _root(debug: DebugOption = False) -> None:
    global _debug
    _debug = debug


def main() -> None:
    """Entry point: run the app; a run-stopping problem becomes one Chinese line and exit code 2."""
    try:
        result = app(standalone_mode=False)
    except ZjkError as exc:
        _fail(str(exc), exc)
    except typer.Abort:
        _fail("已取消。", None)
    except KeyboardInterrupt:
        _fail("已中断，未完成的输出没有写入。", None)
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        _fail(f"程序内部错误：{type(exc).__name__}: {exc}。请加 --debug 重新运行并把输出发给开发人员。", exc)
    else:
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, exc: BaseException | None) -> None:
    if _debug and exc is not None:
        import traceback

        traceback.print_exception(exc)
    sys.stderr.write(f"错误：{message}\n")
    sys.exit(2)
