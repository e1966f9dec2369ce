"""An inspection checklist's page is answered as its sheet is: Yes / No / N/A
boxes at the right of each question (no tick box), the column names above
each list, in the page's language; the build's cross-check counts them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import SITE_KB
from safetykb.config import load_config
from safetykb.crosscheck import mismatch
from safetykb.loader import load_kb
from safetykb.model import KnowledgeBase
from safetykb.render import LABELS, answer_columns, document_html, render_markdown, used_by_map

ANSWERS = ('<span class="skb-answers" aria-hidden="true" data-pagefind-ignore '
           'data-search-exclude>')
HEAD = '<p class="skb-answer-head" data-pagefind-ignore data-search-exclude>'


def _kb(root: Path = SITE_KB) -> KnowledgeBase:
    return load_kb(root, load_config(root))


def test_each_question_has_yes_no_na_boxes_and_each_list_the_column_names() -> None:
    kb = _kb()
    doc = kb.by_id()["CL-LOTO-001"]
    assert doc.meta["mode"] == "inspection"
    html = document_html(doc, kb).html
    assert html.count(ANSWERS) == len(doc.items) == 8
    assert "task-list-item-checkbox" not in html and "<input" not in html
    # One head per list of questions (three sections), read once by a screen reader.
    heads = re.findall(re.escape(HEAD) + r'(.*?)</p><ul class="contains-task-list">', html)
    assert len(heads) == 3
    assert heads[0] == ('<span class="skb-sr">Answer each question Yes, No or N/A.</span>'
                        '<span aria-hidden="true">Yes</span><span aria-hidden="true">No</span>'
                        '<span aria-hidden="true">N/A</span>')
    # The critical mark and the question text are as before, after the boxes.
    assert re.search(ANSWERS + r'(<span></span>){3}</span> <span class="skb-critical">CRITICAL'
                     r'</span> Is stored energy released', html)
    assert mismatch(doc, html) is None


def test_other_checklists_keep_their_tick_boxes() -> None:
    kb = _kb()
    doc = kb.by_id()["CL-PRESS-001"]
    assert doc.meta["mode"] != "inspection"
    html = document_html(doc, kb).html
    assert html.count('class="task-list-item-checkbox"') == len(doc.items)
    assert "skb-answers" not in html and "skb-answer-head" not in html


def test_cross_check_refuses_tick_boxes_on_an_inspection_page_and_the_reverse() -> None:
    kb = _kb()
    inspection, read_do = kb.by_id()["CL-LOTO-001"], kb.by_id()["CL-PRESS-001"]
    ticked = document_html(read_do, kb).html
    # An inspection page published with tick boxes, or with an item's boxes lost.
    assert mismatch(inspection, ticked) is not None
    answered = document_html(inspection, kb).html
    assert mismatch(inspection, answered.replace(ANSWERS, "<span>", 1)) == (
        "the page has 7 Yes / No / N/A answer groups, the checked document 8 items")
    with_box = answered.replace(
        ANSWERS, '<input class="task-list-item-checkbox" type="checkbox">' + ANSWERS, 1)
    assert mismatch(inspection, with_box) == (
        "the page has 8 Yes / No / N/A answer groups (and 1 of the other kind), "
        "the checked document 8 items")
    # A read-do page given answer boxes instead of its tick boxes.
    count = len(read_do.items)
    assert mismatch(read_do, answer_columns(ticked, LABELS["en"])) == (
        f"the page has 0 checklist tick boxes (and {count} of the other kind), "
        f"the checked document {count} items")


def _answered(markdown: str, lang: str = "en") -> str:
    return answer_columns(render_markdown(markdown, frozenset()).html, LABELS[lang])


def test_chinese_labels_and_a_nested_question_gets_no_second_head() -> None:
    out = _answered("## A\n\n- [ ] 是否？\n    - [ ] 子项？\n", "zh")
    assert out.count('class="skb-answer-head"') == 1
    assert out.count(ANSWERS) == 2
    assert ('<span class="skb-sr">逐项回答：是、否或不适用。</span>'
            '<span aria-hidden="true">是</span><span aria-hidden="true">否</span>'
            '<span aria-hidden="true">不适用</span>') in out
    # Both questions are marked as such, the nested one inside its parent.
    assert out.count('<li class="task-list-item skb-q">') == 2
    assert re.search(r"是否？\n<ul class=\"contains-task-list\">\n"
                     r'<li class="task-list-item skb-q">' + re.escape(ANSWERS), out)


def test_numbered_questions_and_questions_under_plain_items_have_a_head() -> None:
    """Questions in a numbered list, or grouped under plain bullets, are
    questions too: the outermost list holding them gets the column names."""
    numbered = _answered("## A\n\n1. [ ] One?\n2. [ ] Two?\n")
    assert numbered.count(HEAD) == 1 and numbered.index(HEAD) < numbered.index("<ol")
    assert numbered.count('<li class="task-list-item skb-q">') == 2
    grouped = _answered("## A\n\n- Press line 1\n    - [ ] Guard closed?\n"
                        "- Press line 2\n    - [ ] Guard closed?\n\n- plain\n")
    assert grouped.count(HEAD) == 1 and grouped.index(HEAD) < grouped.index("<ul")
    assert grouped.count(ANSWERS) == 2
    # A list with no question gets no head.
    assert HEAD not in _answered("## A\n\n- plain\n- items\n")


def test_an_id_in_chinese_text_links_and_counts_as_used(tmp_path: Path) -> None:
    """Chinese runs into an id with no space ("按PROC-HD-001整改"): it is still
    the id, a link, and a use of the document; a longer Latin word is not."""
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    path = root / "checklists/lockout/cl-loto-001.md"
    text = path.read_text("utf-8").replace(
        'Every "No"\nis a hidden danger',
        '按ACT-WELD-001整改，XACT-WELD-001 不是编号。Every "No"\nis a hidden danger')
    path.write_text(text, "utf-8")
    kb = _kb(root)
    doc = kb.by_id()["CL-LOTO-001"]
    html = document_html(doc, kb).html
    assert re.search(r'按<a href="[^"]*act-weld-001/" title="[^"]*">ACT-WELD-001</a>整改', html)
    assert "XACT-WELD-001 不是编号" in html
    assert doc in used_by_map(kb)["ACT-WELD-001"]

