"""Checking one located table: header block, columns, every row, and the file-level rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import cast

from zjkcollect.attachments import Kind
from zjkcollect.campaign import Campaign, Reporter
from zjkcollect.codes import read_date
from zjkcollect.crossfile import choice_of, describe_choice, key_of
from zjkcollect.findings import Finding, column_letter, make_finding
from zjkcollect.layout import Table, TableRows
from zjkcollect.report import SLIM_FIELDS, CheckedRow, FileResult, SlimRows, TableResult
from zjkcollect.row_halves import check_table_cells
from zjkcollect.schemas import CheckedColumns, display
from zjkcollect.text import closest, normalize_text, weekday_name


def check_table(
    result: FileResult,
    table: Table,
    campaign: Campaign,
    uncached: list[str] | None = None,
    hidden_rows: set[int] | None = None,
    slim: bool = False,
) -> None:
    """Add the table, its rows and every finding about it to ``result``.

    ``slim``: the table keeps of its rows only what the inbox rules read (report.SlimRows).

    ``uncached`` lists the table sheet's formula cells that have no calculated value: they
    read as empty, so they get their own finding instead of a misleading "required".
    """
    checked = TableResult(table=table)
    result.tables.append(checked)
    findings = result.findings
    formula_cells = set(uncached or ())
    _check_formulas(result, table, formula_cells)
    _check_fingerprint(result, table, campaign)
    _check_reporter(result, checked, campaign)
    _check_date(result, checked, campaign)
    attachment = table.attachment
    for field_name in table.missing:
        findings.append(
            _at(result, table, "column-missing", table.header_row, None, attachment.column(field_name).header)
        )
    for number, column, text in table.examples:
        findings.append(_at(result, table, "example-row-ignored", number, column, None, value=text, row_number=number))
    absent = frozenset(table.missing)
    data_rows = table.rows
    numbers = data_rows.numbers
    # a slim verdict reads four fields' values (the contacts rules read every row's unit and role)
    kept = frozenset(SLIM_FIELDS) if slim and table.kind is not Kind.CONTACTS else None
    columns = check_table_cells(attachment, data_rows.columns, len(numbers), campaign, absent, kept)
    flagged = columns.errors.keys() | columns.warnings.keys()
    if hidden_rows:
        flagged |= {index for index, number in enumerate(numbers) if number in hidden_rows}
    for index in sorted(flagged):
        number = numbers[index]
        if hidden_rows and number in hidden_rows:
            findings.append(_at(result, table, "hidden-row", number, None, None, row_number=number))
        for issue in columns.issues(index):
            column = table.columns.get(issue.field)
            if issue.rule == "required-missing" and column and f"{column_letter(column)}{number}" in formula_cells:
                continue
            header = attachment.column(issue.field).header if issue.field else None
            findings.append(
                make_finding(
                    issue.rule,
                    file=result.label,
                    sheet=table.sheet,
                    row=number,
                    column=column_letter(column) if column else None,
                    field=header,
                    value=issue.value,
                    **issue.context,
                )
            )
    errors = [False] * len(numbers)
    for index in columns.errors.keys() | columns.warnings.keys():
        errors[index] = columns.has_error(index)
    if not slim or table.kind is Kind.CONTACTS:  # the contacts rules read every row's unit and role
        checked.rows = [
            CheckedRow(data_row.number, values, data_row.values, error)
            for data_row, values, error in zip(data_rows, columns.row_values(), errors, strict=True)
        ]
    else:  # what the inbox rules read, as columns: a 50,000-row inbox sends and keeps no row objects
        checked.rows = _slim(numbers, columns, errors)
    if not numbers:
        findings.append(_at(result, table, "table-empty", table.header_row + 1, None, None))
    # the checked rows keep the raw values; a second copy would only travel back from the worker
    table.rows = TableRows([], {})
    if table.kind is Kind.CONTACTS:
        _check_contacts(result, checked, campaign)
        if slim:
            checked.rows = _slim(numbers, columns, errors)
    elif attachment.holds_projects:
        _check_repeated_projects(result, checked)


def _check_formulas(result: FileResult, table: Table, cells: set[str]) -> None:
    fields_by_column = {column_letter(index): name for name, index in table.columns.items()}
    attachment = table.attachment
    for cell in sorted(cells):
        letters = cell.rstrip("0123456789")
        field_name = fields_by_column.get(letters)
        header = attachment.column(field_name).header if field_name else None
        result.findings.append(
            make_finding(
                "formula-not-calculated",
                file=result.label,
                sheet=table.sheet,
                row=int(cell[len(letters) :]),
                column=letters,
                field=header,
            )
        )


def _at(
    result: FileResult,
    table: Table,
    rule: str,
    row: int | None,
    column: int | None,
    field: str | None,
    **context: object,
) -> Finding:
    value = context.pop("value", None)
    return make_finding(
        rule,
        file=result.label,
        sheet=table.sheet,
        row=row,
        column=column_letter(column) if column else None,
        field=field,
        value=value,
        **context,
    )


def _check_fingerprint(result: FileResult, table: Table, campaign: Campaign) -> None:
    fingerprint = table.fingerprint
    current = campaign.campaign.template_version
    if fingerprint and fingerprint.version and fingerprint.version != current:
        result.findings.append(
            _at(result, table, "template-old-version", None, None, None, value=fingerprint.version, current=current)
        )


def _slim(numbers: list[int], columns: CheckedColumns, errors: list[bool]) -> list[CheckedRow]:
    """The rows as report.SlimRows: what the inbox rules read, as columns."""
    return cast(list[CheckedRow], SlimRows(numbers, [columns.column(name) for name in SLIM_FIELDS], errors))


def _place(table: Table, row: int | None, column: int | None) -> tuple[int | None, int | None]:
    """Where a header-block finding points; a label nowhere to be found on a sheet shared with another
    table points at the table's first row, so the finding is about this table and not the other."""
    if row is None and (table.first_row > 1 or table.last_row is not None):
        return table.first_row, None
    return row, column


def _check_reporter(result: FileResult, checked: TableResult, campaign: Campaign) -> None:
    table = checked.table
    cell = table.reporter
    text = normalize_text(display(cell.value) or "")
    row, column = _place(table, cell.row, cell.column)
    if not text:
        named = _reporter_in_title(table, campaign)
        if named is None:
            result.findings.append(_at(result, table, "reporter-missing", row, column, "填报单位"))
            return
        reporter, (row, column, line) = named
        result.findings.append(
            _at(result, table, "reporter-from-title", row, column, "填报单位", value=line, reporter=reporter.name)
        )
        checked.reporter, checked.reporter_known = reporter.name, True
        return
    reporter = campaign.find_reporter(text)
    if reporter is None and (longer := campaign.reporter_starting(text)) is not None:
        # the unit's organ written out (某某县人民政府 for 某某县): counted as the registered unit
        result.findings.append(
            _at(result, table, "reporter-read-as", row, column, "填报单位", value=text, reporter=longer.name)
        )
        checked.reporter, checked.reporter_known = longer.name, True
        return
    if reporter is None:
        guess = closest(text, campaign.reporter_names)
        hint = f"您是否要填“{guess}”？" if guess else ""
        checked.reporter = text
        result.findings.append(_at(result, table, "reporter-unknown", row, column, "填报单位", value=text, hint=hint))
        return
    checked.reporter = reporter.name
    checked.reporter_known = True


def _reporter_in_title(table: Table, campaign: Campaign) -> tuple[Reporter, tuple[int, int, str]] | None:
    """The one registered unit a line above the table names ("某某县“数据要素×”大赛参赛项目统计表"), with that line."""
    for line in table.block_lines:
        named = campaign.reporters_named_in(line[2])
        if len(named) == 1:
            return named[0], line
        if named:
            return None  # two units named: which one reports is not for us to guess
    return None


def _check_date(result: FileResult, checked: TableResult, campaign: Campaign) -> None:
    table = checked.table
    label = table.attachment.date_label
    cell = table.date
    row, column = _place(table, cell.row, cell.column)
    if cell.value in (None, ""):
        result.findings.append(_at(result, table, "date-missing", row, column, label))
        return
    reading = read_date(cell.value, campaign.campaign.year)
    if reading is None:
        example = campaign.calendar.weeks[0].isoformat()
        result.findings.append(
            _at(result, table, "date-invalid", row, column, label, value=display(cell.value), example=example)
        )
        return
    day = reading.day
    if reading.year_assumed:
        year = campaign.campaign.year
        shown = display(cell.value)
        result.findings.append(
            _at(result, table, "date-year-assumed", row, column, label, value=shown, year=year, day=day.isoformat())
        )
    if reading.weekday_contradicted:
        result.findings.append(
            _at(
                result,
                table,
                "date-weekday-mismatch",
                row,
                column,
                label,
                value=display(cell.value),
                day=day.isoformat(),
                actual=weekday_name(day.weekday()),
                noted=weekday_name(reading.noted_weekday),
            )
        )
    checked.date = day
    calendar = campaign.calendar
    if table.kind is Kind.REGISTERED:
        checked.week = week_of(day, calendar.weeks)
        if day not in calendar.weeks:
            weeks = "、".join(week.isoformat() for week in calendar.weeks)
            result.findings.append(
                _at(
                    result,
                    table,
                    "report-date-not-week",
                    row,
                    column,
                    label,
                    value=day.isoformat(),
                    weeks=weeks,
                    weekday=calendar.update_day,
                )
            )
    else:
        checked.week = None
        if table.kind is Kind.SURVEY and day > calendar.survey_due:
            result.findings.append(
                _at(
                    result,
                    table,
                    "survey-late",
                    row,
                    column,
                    label,
                    value=day.isoformat(),
                    due=calendar.survey_due,
                    label=table.attachment.label,
                )
            )


def week_of(day: dt.date, weeks: list[dt.date]) -> dt.date | None:
    """The calendar Thursday a report dated ``day`` is for: the first one on or after it."""
    return next((week for week in weeks if week >= day), None)


def _check_repeated_projects(result: FileResult, checked: TableResult) -> None:
    table = checked.table
    all_rows = checked.rows
    if isinstance(all_rows, SlimRows):  # the keys from the columns: no row objects for rows on their own
        names, codes = all_rows.column("project_name"), all_rows.column("credit_code")
    else:
        names = [row.values.get("project_name") for row in all_rows]
        codes = [row.values.get("credit_code") for row in all_rows]
    # a key is (the code, the name): only rows whose code is found twice can share one
    seen = Counter(map(str, filter(None, codes)))
    if len(seen) == seen.total():
        return
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (code, name) in enumerate(zip(codes, names, strict=True)):
        if not code or seen[str(code)] < 2:
            continue
        key = key_of(code, name)
        if key is not None:
            by_key[key].append(index)
    track_column = table.columns.get("track")
    header = table.attachment.column("track").header
    for indexes in by_key.values():
        if len(indexes) < 2:
            continue  # a project on one row is neither repeated nor entered differently
        rows = [all_rows[index] for index in indexes]
        for index, row in enumerate(rows):
            earlier_same = next(
                (other for other in rows[:index] if choice_of(other.values) == choice_of(row.values)), None
            )
            differing = next((other for other in rows if choice_of(other.values) != choice_of(row.values)), None)
            for rule, other in (("duplicate-row", earlier_same), ("project-multiple-topics", differing)):
                if other is None:
                    continue
                result.findings.append(
                    _at(
                        result,
                        table,
                        rule,
                        row.number,
                        track_column,
                        header,
                        value=row.values.get("track"),
                        other_row=other.number,
                        project=row.values.get("project_name"),
                        other=describe_choice(other.values),
                    )
                )


def _check_contacts(result: FileResult, checked: TableResult, campaign: Campaign) -> None:
    table = checked.table
    leaders: dict[str, int] = defaultdict(int)
    staff: dict[str, int] = defaultdict(int)
    first_row: dict[str, int] = {}
    for row in checked.rows:
        unit = row.values.get("unit")
        role = row.values.get("role")
        if not unit:
            continue
        first_row.setdefault(unit, row.number)
        if role == campaign.choices.leader_role:
            leaders[unit] += 1
        elif role == campaign.choices.staff_role:
            staff[unit] += 1
    units = set(first_row)
    if checked.reporter_known and checked.reporter:
        units.add(checked.reporter)
    role_column = table.columns.get("role")
    role_header = table.attachment.column("role").header
    for unit in sorted(units):
        row = first_row.get(unit)
        column = role_column if row else None
        if leaders[unit] != 1:
            result.findings.append(
                _at(result, table, "contacts-leader-count", row, column, role_header, unit=unit, count=leaders[unit])
            )
        if staff[unit] < 1:
            result.findings.append(_at(result, table, "contacts-staff-missing", row, column, role_header, unit=unit))
