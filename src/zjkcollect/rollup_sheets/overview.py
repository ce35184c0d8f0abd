"""概览: the week's figures on one page, each with the names behind it."""

from __future__ import annotations

from zjkcollect.outputs import put
from zjkcollect.rollup import ChangeKind, RosterStatus
from zjkcollect.rollup_sheets.common import (
    SHORT_FILL,
    TABLE_TOP,
    SheetWriter,
    names,
    project_label,
    rollup_title,
    short_label,
)


class Overview(SheetWriter):
    name = "概览"

    def write(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        survey = self.book.survey.label
        registry = len(campaign.reporters)
        index = rollup.weeks.index(rollup.week) + 1
        page = self.page(
            rollup_title(campaign),
            f"统计截止日期：{self.week}（第{index}周，共{len(campaign.calendar.weeks)}周）；"
            f"汇总单位：{campaign.campaign.bureau}",
        )
        on_time = rollup.reporters_with(RosterStatus.ON_TIME)
        late = rollup.reporters_with(RosterStatus.LATE)
        stale = rollup.reporters_with(RosterStatus.STALE)
        missing = rollup.reporters_with(RosterStatus.MISSING)
        short = rollup.short_tracks
        duplicates = [project for project in rollup.projects if len(project.reporters) > 1]
        lines: list[tuple[str, int, str, str | None]] = [
            (
                "参赛项目数（不含已退赛）",
                len(rollup.active_projects),
                "按统一社会信用代码和项目名称去重，全市只计一次",
                None,
            ),
            (
                "已退赛项目数",
                len(rollup.withdrawn_projects),
                names([project_label(p) for p in rollup.withdrawn_projects]),
                None,
            ),
            ("参赛单位数", rollup.unit_count, "按统一社会信用代码计，不含已退赛项目", None),
            ("本周按时报送的单位", len(on_time), names(on_time), None),
            ("本周迟报的单位", len(late), names(late), None),
            ("本周未更新的单位（沿用以前各周数据）", len(stale), names(stale), None),
            ("尚未报送的单位", len(missing), names(missing), SHORT_FILL if missing else None),
            ("已报送过的单位", registry - len(missing), f"名册共{registry}个单位", None),
            (
                f"项目{short_label(campaign)}的赛道（确保每条赛道均有多个报名项目）",
                len(short),
                names([f"{track.track}（{track.projects}个）" for track in short]),
                SHORT_FILL if short else None,
            ),
        ]
        previous = f"与上周（{rollup.previous_week}）相比" if rollup.previous_week else "首周，无上周数据可比"
        for kind in ChangeKind:
            changes = rollup.changes_of(kind)
            lines.append(
                (f"本周{kind.value}项目", len(changes), names([project_label(c.project) for c in changes]), None)
            )
        lines += [
            (
                "多个单位重复报送的项目（只计一次）",
                len(duplicates),
                names([project_label(p) for p in duplicates]),
                None,
            ),
            ("各单位所报赛道/赛题不一致、暂不计入的项目", len(rollup.conflicts), "见“问题清单”", None),
            ("有错误、未计入统计的数据行", rollup.excluded_rows, "见“问题清单”", None),
            ("待处理的错误", rollup.errors, "见“问题清单”", SHORT_FILL if rollup.errors else None),
            ("待核对的警告", rollup.warnings, "见“问题清单”", None),
            (f"{survey}已摸底、尚未报名的项目", len(rollup.surveyed_not_registered), "见“摸底对照”", None),
            (f"已报名、未在{survey}摸底的项目", len(rollup.registered_not_surveyed), "见“摸底对照”", None),
            ("未报送联系人的单位", len(rollup.units_without_contacts), names(rollup.units_without_contacts), None),
        ]
        page.table(
            ["项目", "数量", "说明"],
            [44, 10, 90],
            [(label, count, text) for label, count, text, _ in lines],
            fills=[fill for *_, fill in lines],
        )
        put(page.sheet, TABLE_TOP + len(lines) + 2, 1, f"周变化：{previous}。", self.styles.note)
        page.sheet.activate()
