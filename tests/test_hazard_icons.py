"""Hazards and PPE on a page get an icon of Material's bundled sets, chosen by
the words they are written with."""

from __future__ import annotations

from safetykb.render import _icon_for

LIGHTNING = "material/lightning-bolt"


def test_the_first_matching_group_names_the_icon() -> None:
    """"Electrocution" is electric, though it holds "cut" (of the crushing
    and cutting group) too: it showed a gear."""
    cases = {"Electrocution": LIGHTNING, "Electrical shock": LIGHTNING, "触电": LIGHTNING,
             "Cut by the blade": "material/cog", "Stored energy": "material/flash",
             "Something else": "material/alert"}
    assert {text: _icon_for("hazards", text) for text in cases} == cases
    assert _icon_for("ppe", "Safety glasses") == "material/safety-goggles"
