"""The weekly 情况通报: its figures are the roll-up's, its names the campaign's, and it opens in LibreOffice."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from tests.builders import W2, run_season
from tests.workbooks import libreoffice_convert
from zjkcollect.bulletin import BODY_FONT, FALLBACKS, TITLE_FONT, bulletin_file_name
from zjkcollect.campaign import load_campaign

CAMPAIGN = load_campaign()


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return run_season(CAMPAIGN, tmp_path_factory.mktemp("season"))


def _text(document: Any) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_written_beside_the_roll_up_with_the_weeks_figures(season: Any) -> None:
    assert (
        season.bulletin_path
        == season.rollup_path.parent / bulletin_file_name(W2)
        == (season.rollup_path.parent / "情况通报_2025-07-03.docx")
    )
    document = docx.Document(str(season.bulletin_path))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "“数据要素×”大赛河北分赛张家口赛区参赛项目报名情况通报（第2期）"
    assert paragraphs[1] == "张家口市数据和政务服务局　2025年7月3日"
    text = _text(document)
    # the season of tests/builders.py: 4 projects of 4 units in 4 tracks, 5 the week before
    assert "张家口市共有参赛项目4个，涉及参赛单位4个，覆盖15条赛道中的4条；另有已退赛项目1个" in text
    assert "与上期（2025年6月26日，5个）相比，项目数减少1个：新增2个，退赛1个，不再出现2个" in text
    assert "目前仍有15条赛道项目不足2个" in text
    registry = len(CAMPAIGN.reporters)
    assert f"本期应报送单位{registry}个，按时报送2个，迟报1个，未更新2个，报送有误0个，未报送{registry - 5}个" in text
    assert "以下2个单位本期未更新附件3，仍沿用此前数据：张北县、怀来县。" in text
    assert "有错误的单位：" in text and "7月10日（周四）前重新报送至 zjkszywb@163.com" in text


def test_the_table_ranks_units_by_valid_projects(season: Any) -> None:
    table = docx.Document(str(season.bulletin_path)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "报送单位", "类别", "有效项目数", "本期报送情况", "收到日期"]
    assert rows[1] == ["1", "桥东区", "县区", "2", "已报送", "2025-07-03"]
    valid = [int(row[3]) for row in rows[1:]]
    assert valid == sorted(valid, reverse=True) and len(rows) == len(CAMPAIGN.reporters) + 1
    assert {row[1]: row[4] for row in rows[1:]}["蔚县"] == "迟报"


def test_government_document_layout(season: Any) -> None:
    document = docx.Document(str(season.bulletin_path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = document.paragraphs[0].runs[0]
    assert title.font.size.pt == 22
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == TITLE_FONT
    body = document.paragraphs[3].runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == BODY_FONT
    footer = section.footer._element.xml
    assert 'fldCharType="begin"' in footer and " PAGE " in footer
    with zipfile.ZipFile(season.bulletin_path) as archive:
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
    for name, fallback in FALLBACKS.items():
        assert re.search(rf'w:name="{name}">\s*<w:altName w:val="{fallback}"/>', fonts), name


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过情况通报转 PDF 测试")
def test_libreoffice_converts_the_bulletin_to_pdf_with_the_figures(season: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    program = Path(shutil.which("soffice") or "").resolve().parent
    if not any(path.name.startswith(("libswlo", "swlo")) for path in program.iterdir()):
        pytest.skip("LibreOffice Writer 未安装，跳过情况通报转 PDF 测试")
    pdf = libreoffice_convert(season.bulletin_path, "pdf", tmp_path)
    reader = PdfReader(str(pdf))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "参赛项目报名情况通报（第2期）" in text
    assert "共有参赛项目4个，涉及参赛单位4个，覆盖15条赛道中的4条" in text
    assert "按时报送2个，迟报1个，未更新2个" in text
    assert "—1—" in text  # the page number field was filled in
    assert len(reader.pages) >= 2
