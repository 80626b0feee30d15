"""Print setup shared by every workbook kgrota writes: A4 landscape, one page wide, the
header rows repeated on each page and page numbers in the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.worksheet.properties import PageSetupProperties

from ..model.i18n import _

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def print_setup(ws: Worksheet, header_rows: str) -> None:
    """Set ``ws`` to print on A4 landscape, fit to the page width (as many pages down as it
    takes), repeating ``header_rows`` (e.g. ``"3:3"``) and numbering the pages.

    Write-only sheets take it too: openpyxl gives them the same page setup as a `Worksheet`.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (ECMA-376 ST_PaperSize)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = header_rows
    footer = ws.oddFooter
    assert footer is not None  # openpyxl makes every sheet's header and footer
    footer.center.text = _("Page &P of &N")
