"""A checklist must fit on one printed page at the minimum font size.

Reason: a checklist is posted at the workstation and ticked with a pen; a
second sheet gets lost, and a checklist that only fits by shrinking the text
is not read. The printed sheet sets items at ``print.font_size`` and only
shrinks them, never below ``print.min_font_size`` (12 pt), to fit one page
(``print.paper``, A4 by default). The layout is measured without writing a
PDF. Shorten the items, split the checklist into two (one per pause point), or
move explanations into the parent procedure.

Failing example: nine pause-point items of three long sentences each, in
inspection mode (each with Yes/No/N/A boxes and a finding line).

Passing example: the same nine items in one short sentence each.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config import ConfigError
from ..model import Document
from .base import Context, Finding

ID = "PR001"
NAME = "sheet-overflow"
DESCRIPTION = "A checklist does not fit on one printed page at the minimum font size."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "checklist" or not doc.id:
        return
    # Imported here: most documents are not checklists, and `check` should not
    # pay for the font metrics unless one is measured.
    from ..pdf.layout import PrintSettings, layout_sheet

    try:
        settings = PrintSettings.from_config(ctx.config)
    except ConfigError:
        return  # the command reports bad print settings as a configuration error
    sheet = layout_sheet(doc, ctx.config, settings=settings, root=ctx.kb.root, measuring=True)
    if sheet.overflow_lines > 0:
        lines = sheet.overflow_lines
        yield Finding(sheet.overflow_line,
                      f"{doc.relpath} does not fit on one {settings.paper} page at the minimum "
                      f"font size {settings.min_font_size:g} pt: {lines} line"
                      f"{'s' if lines != 1 else ''} over from here on; shorten the items or "
                      "split the checklist")
