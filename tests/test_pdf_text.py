"""What a printed sheet says is what the page says: items are read with the
site's Markdown parser; front-matter values are printed as written."""

from __future__ import annotations

from safetykb.pdf.content import literal, plain


def test_items_are_read_as_the_site_reads_them() -> None:
    assert plain("Lock **the isolator**, see [ACT-LOTO-001](../a/act-loto-001.md).") == \
        "Lock the isolator, see ACT-LOTO-001."
    assert plain("Press <kbd>Stop</kbd> &amp; wait") == "Press Stop & wait"
    assert plain(r"Pressure \< 2 bar, not \*starred\*") == "Pressure < 2 bar, not *starred*"
    assert plain("![guard](g.png) in place") == "guard in place"
    # A code span is shown as written, as on the page.
    assert plain("Set `<mode>` to 1") == "Set <mode> to 1"


def test_front_matter_values_are_printed_as_written() -> None:
    assert literal("Generator <b>check</b> &amp; [x](y)") == \
        "Generator <b>check</b> &amp; [x](y)"
    assert literal("Two\nlines\t here") == "Two lines here"
