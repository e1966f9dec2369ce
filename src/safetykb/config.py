"""Configuration: the package default plus a knowledge base's ``safetykb.yml``.

The default lives in ``conf/default.yaml`` (documented there). A knowledge
base's file says ``extends: default`` and overrides keys; mappings merge, other
values replace. Unknown top-level keys and unknown rule ids are configuration
errors (exit 2), never silently ignored.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAME = "safetykb.yml"
KNOWN_KEYS = {
    "extends", "lang", "content_dirs", "site_url", "rules", "sections",
    "steps_section", "limits", "html",
}
LEVELS = ("error", "warning", "off")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


def _default_data() -> dict[str, Any]:
    text = resources.files("safetykb").joinpath("conf/default.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class Config:
    """The effective configuration of one knowledge base."""

    data: dict[str, Any]
    path: Path | None = None
    rule_levels: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any setting does (cache key for checked documents)."""
        return json.dumps(self.data, sort_keys=True, default=str)

    @property
    def lang(self) -> str:
        return str(self.data.get("lang", "en"))

    @property
    def content_dirs(self) -> list[str]:
        return [str(d) for d in self.data.get("content_dirs", [])]

    @property
    def site_url(self) -> str:
        return str(self.data.get("site_url") or "")

    def limit(self, name: str) -> int:
        return int(self.data["limits"][name])

    @property
    def allowed_html_tags(self) -> frozenset[str]:
        tags = (self.data.get("html") or {}).get("allowed_tags") or []
        return frozenset(str(t).lower() for t in tags)

    def rule_options(self, rule_id: str) -> dict[str, Any]:
        """The options configured for ``rule_id`` (without ``level``)."""
        value = self.data.get("rules", {}).get(rule_id)
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != "level"}
        return {}

    def level(self, rule_id: str, default: str) -> str:
        return self.rule_levels.get(rule_id, default)

    def required_sections(self, doc_type: str, lang: str) -> list[str]:
        by_lang = self.data.get("sections", {}).get(doc_type) or {}
        return [str(s) for s in by_lang.get(lang) or by_lang.get("en") or []]

    def steps_section(self, doc_type: str, lang: str) -> str | None:
        by_lang = self.data.get("steps_section", {}).get(doc_type) or {}
        value = by_lang.get(lang) or by_lang.get("en")
        return str(value) if value else None


def load_config(root: Path, known_rules: dict[str, str] | None = None) -> Config:
    """Read ``root/safetykb.yml`` over the defaults and check it.

    ``known_rules`` maps rule id to default level; when given, rule ids and
    levels in the file are validated against it.
    """
    data = _default_data()
    path: Path | None = root / CONFIG_NAME
    assert path is not None
    if path.is_file():
        try:
            user = yaml.safe_load(path.read_text("utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
        if not isinstance(user, dict):
            raise ConfigError(f"{path}: expected a mapping of settings, got {type(user).__name__}")
        unknown = sorted(set(user) - KNOWN_KEYS)
        if unknown:
            raise ConfigError(
                f"{path}: unknown setting {unknown[0]!r}; expected one of {sorted(KNOWN_KEYS)}"
            )
        extends = user.get("extends", "default")
        if extends != "default":
            raise ConfigError(f"{path}: extends: expected 'default', got {extends!r}")
        data = _merge(data, {k: v for k, v in user.items() if k != "extends"})
    else:
        path = None
    if data.get("lang") not in ("en", "zh"):
        raise ConfigError(f"{path or CONFIG_NAME}: lang: expected 'en' or 'zh', "
                          f"got {data.get('lang')!r}")
    config = Config(data=data, path=path)
    levels: dict[str, str] = {}
    for rule_id, value in (data.get("rules") or {}).items():
        if known_rules is not None and rule_id not in known_rules:
            raise ConfigError(
                f"{path or CONFIG_NAME}: rules: unknown rule id {rule_id!r}; "
                "`safetykb rules` lists them"
            )
        level = value.get("level") if isinstance(value, dict) else value
        if level is None:
            continue
        if level not in LEVELS:
            raise ConfigError(
                f"{path or CONFIG_NAME}: rules: {rule_id}: expected a level "
                f"{'/'.join(LEVELS)}, got {level!r}"
            )
        levels[rule_id] = str(level)
    config.rule_levels = levels
    return config
