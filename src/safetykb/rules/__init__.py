"""The rule registry: a plain dict of rule id to :class:`~.base.Rule`.

Adding a rule: write one module here (see ``base``), import it below. Ids are
stable: never renumber or reuse one, even after a rule is removed.
"""

from __future__ import annotations

from . import (
    act001_optional_wording,
    act002_step_without_key_point,
    cl001_no_pause_points,
    cl002_empty_pause_point,
    cl003_too_many_items,
    cl004_mixed_item_form,
    cl005_critical_mark_not_recognised,
    dc001_review_order,
    dc002_review_overdue,
    dc003_self_approval,
    dc004_missing_author,
    fl001_unreadable,
    fl002_too_large,
    fl003_outside_link,
    fl004_line_endings,
    fl005_file_name,
    fl006_url_collision,
    fm001_no_front_matter,
    fm002_yaml_syntax,
    fm003_missing_field,
    fm004_bad_value,
    fm005_unknown_field,
    fm006_yaml_alias,
    fm007_duplicate_key,
    fm008_waiver_not_allowed,
    gc001_revision_not_raised,
    gc002_change_note_not_rewritten,
    gc003_effective_not_later,
    gc004_id_changed,
    gc005_id_reused,
    gc006_controlled_deleted,
    gc007_successor_not_approved,
    ht001_unsafe_html,
    id001_duplicate_id,
    lk001_unsafe_url,
    lk002_link_outside,
    lk003_broken_link,
    md001_list_indent,
    md002_unclosed_fence,
    md003_nesting_too_deep,
    ph001_placeholder,
    ph002_sample_text,
    pr001_sheet_overflow,
    ref001_dangling_reference,
    ref002_self_reference,
    ref003_successor_chain,
    ref004_unapproved_dependency,
    ref005_approved_with_successor,
    st001_required_sections,
    st002_steps_ordered,
    st003_empty_body,
    st004_heading_levels,
    st005_body_title,
    st006_step_numbering,
    tx001_invisible_characters,
    tx002_trailing_whitespace,
)
from .base import Context, Finding, Rule

_MODULES = [
    fl001_unreadable, fl002_too_large, fl003_outside_link, fl004_line_endings,
    fl005_file_name, fl006_url_collision,
    tx001_invisible_characters, tx002_trailing_whitespace,
    fm001_no_front_matter, fm002_yaml_syntax, fm003_missing_field, fm004_bad_value,
    fm005_unknown_field, fm006_yaml_alias, fm007_duplicate_key, fm008_waiver_not_allowed,
    id001_duplicate_id, ref001_dangling_reference, ref002_self_reference,
    ref003_successor_chain, ref004_unapproved_dependency, ref005_approved_with_successor,
    dc001_review_order, dc002_review_overdue, dc003_self_approval, dc004_missing_author,
    ph001_placeholder, ph002_sample_text,
    st001_required_sections, st002_steps_ordered, st003_empty_body, st004_heading_levels,
    st005_body_title, st006_step_numbering,
    ht001_unsafe_html, lk001_unsafe_url, lk002_link_outside, lk003_broken_link,
    md001_list_indent, md002_unclosed_fence, md003_nesting_too_deep,
    cl001_no_pause_points, cl002_empty_pause_point, cl003_too_many_items, cl004_mixed_item_form,
    cl005_critical_mark_not_recognised,
    act001_optional_wording, act002_step_without_key_point,
    pr001_sheet_overflow,
    # Scope "history": only with `check --against REF` (safetykb.gitcontrol).
    gc001_revision_not_raised, gc002_change_note_not_rewritten, gc003_effective_not_later,
    gc004_id_changed, gc005_id_reused, gc006_controlled_deleted, gc007_successor_not_approved,
]

REGISTRY: dict[str, Rule] = {}
for _module in _MODULES:
    _rule = Rule.from_module(_module)
    if _rule.id in REGISTRY:
        raise RuntimeError(f"rule id {_rule.id} registered twice")
    REGISTRY[_rule.id] = _rule


def get(rule_id: str) -> Rule:
    """The rule with ``rule_id``; an unknown id is an error (KeyError with the list)."""
    try:
        return REGISTRY[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id {rule_id!r}; known: {', '.join(REGISTRY)}") from None


def default_levels() -> dict[str, str]:
    return {rule_id: rule.level for rule_id, rule in REGISTRY.items()}


__all__ = ["REGISTRY", "Context", "Finding", "Rule", "default_levels", "get"]
