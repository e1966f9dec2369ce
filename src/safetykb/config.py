"""Configuration: the package default plus a knowledge base's ``safetykb.yml``.

The default lives in ``conf/default.yaml`` (documented there); each rule's
default level and options are declared once, in the rule. A knowledge base's
file says ``extends: default`` and overrides keys; mappings merge, other values
replace. The merged settings are validated against one typed schema
(:class:`Settings`, pydantic): a wrong type, an unknown key (with "did you
mean"), an unknown rule id or rule option is a :class:`ConfigError` whose
message starts ``safetykb.yml:LINE:``; the command line exits 2 on it. There
is no traceback for a bad configuration and no setting is silently ignored.
"""

from __future__ import annotations

import copy
import difflib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

CONFIG_NAME = "safetykb.yml"
LEVELS = ("error", "warning", "off")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Limits(_Strict):
    """Size limits; larger files are reported, not read (FL002)."""

    max_file_bytes: int = Field(gt=0)
    max_front_matter_bytes: int = Field(gt=0)
    max_line_chars: int = Field(gt=0)


class Html(_Strict):
    """Raw HTML tags documents may write (HT001; the sanitiser enforces it)."""

    allowed_tags: list[str]


class Print(_Strict):
    """Printed sheets."""

    paper: Literal["A4", "A5", "Letter"] = "A4"
    font_size: float = Field(default=13, gt=0)
    min_font_size: float = Field(default=12, gt=0)
    margin_mm: float = Field(default=12, ge=0)
    cjk_font: str = ""


class Site(_Strict):
    """What the published site shows."""

    drafts: bool = False


_Lang = Literal["en", "zh"]
_Type = Literal["procedure", "action"]


class Settings(_Strict):
    """Every setting of ``safetykb.yml`` (after merging with the default)."""

    extends: Literal["default"] = "default"
    lang: _Lang
    content_dirs: list[str] = Field(min_length=1)
    docs_dir: str = "docs"
    site_url: str = ""
    rules: dict[str, Any] = Field(default_factory=dict)
    sections: dict[_Type, dict[_Lang, list[str]]]
    steps_section: dict[_Type, dict[_Lang, str]]
    limits: Limits
    html: Html
    print: Print = Field(default_factory=Print)
    site: Site = Field(default_factory=Site)
    waivable: list[str] = Field(default_factory=list)
    owners: dict[str, str] = Field(default_factory=dict)
    areas: dict[str, str] = Field(default_factory=dict)


def _default_text() -> str:
    return resources.files("safetykb").joinpath("conf/default.yaml").read_text("utf-8")


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
    #: Options per rule id: the rule's defaults with the file's overrides.
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any setting does (cache key for checked documents)."""
        return json.dumps([self.data, self.rule_levels, self.options], sort_keys=True,
                          default=str)

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

    @property
    def waivable(self) -> frozenset[str]:
        """Rules a document may waive for itself (``waivers:``)."""
        return frozenset(str(r) for r in self.data.get("waivable") or [])

    def rule_options(self, rule_id: str) -> dict[str, Any]:
        """The options of ``rule_id``: its declared defaults, overridden by the file."""
        return dict(self.options.get(rule_id, {}))

    def level(self, rule_id: str, default: str) -> str:
        return self.rule_levels.get(rule_id, default)

    def required_sections(self, doc_type: str, lang: str) -> list[str]:
        by_lang = self.data.get("sections", {}).get(doc_type) or {}
        return [str(s) for s in by_lang.get(lang) or by_lang.get("en") or []]

    def steps_section(self, doc_type: str, lang: str) -> str | None:
        by_lang = self.data.get("steps_section", {}).get(doc_type) or {}
        value = by_lang.get(lang) or by_lang.get("en")
        return str(value) if value else None


# --- where a setting is written, for messages -------------------------------

def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the value at ``loc`` in the composed YAML, or of the
    deepest key on the way that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(key):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {sorted(choices)}"


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model at ``loc``."""
    current: Any = model
    for key in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or key not in fields:
            return []
        annotation = fields[key].annotation
        current = annotation
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _explain(error: dict[str, Any], model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    where = ".".join(str(part) for part in loc)
    if error["type"] == "extra_forbidden":
        unknown = str(loc[-1])
        parent = ".".join(str(p) for p in loc[:-1])
        return (f"unknown setting {unknown!r}{' in ' + parent if parent else ''}"
                f"{_suggest(unknown, _known_fields(model, loc[:-1]))}")
    value = error.get("input")
    shown = json.dumps(value, ensure_ascii=False, default=str)[:60]
    msg = str(error["msg"])
    return f"{where}: {msg[:1].lower() + msg[1:]}, got {shown}"


_Located = list[tuple[tuple[Any, ...], str]]


def _validate_rules(rules: dict[str, Any], known: dict[str, Any]
                    ) -> tuple[dict[str, str], dict[str, dict[str, Any]], _Located]:
    """Levels and options per rule from ``rules:``, with errors as (loc, message)."""
    levels: dict[str, str] = {}
    options = {rule_id: dict(rule.options) for rule_id, rule in known.items()}
    errors: _Located = []
    for rule_id, value in rules.items():
        loc: tuple[Any, ...] = ("rules", rule_id)
        if rule_id not in known:
            errors.append((loc, f"rules: unknown rule id {rule_id!r}"
                                f"{_suggest(str(rule_id), list(known))} (`safetykb rules` "
                                "lists them)"))
            continue
        rule = known[rule_id]
        given = dict(value) if isinstance(value, dict) else {"level": value}
        level = given.pop("level", None)
        if level is False:  # YAML reads a bare `off` as false
            level = "off"
        if level is not None:
            if level not in LEVELS:
                errors.append((loc, f"rules.{rule_id}: expected a level "
                                    f"{'/'.join(LEVELS)}, got {level!r}"))
            else:
                levels[rule_id] = str(level)
        if not given:
            continue
        fields: dict[str, Any] = {name: (type(default), default)
                                  for name, default in rule.options.items()}
        model = create_model(f"{rule_id}Options", __config__=ConfigDict(extra="forbid",
                                                                          strict=True),
                             **fields)
        try:
            options[rule_id] = model(**{**rule.options, **given}).model_dump()
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "?"
                if err["type"] == "extra_forbidden":
                    hint = (_suggest(name, list(rule.options)) if rule.options
                            else "; this rule has no options")
                    why = f"rules.{rule_id}: unknown option {name!r}{hint}"
                else:
                    expected = type(rule.options.get(name)).__name__
                    why = (f"rules.{rule_id}.{name}: expected {_TYPE_NAMES.get(expected, expected)}"
                           f", got {err.get('input')!r}")
                errors.append(((*loc, name), why))
    return levels, options, errors


_TYPE_NAMES = {"int": "a whole number", "float": "a number", "str": "text",
               "list": "a list", "bool": "true or false", "dict": "a mapping"}


def load_config(root: Path, known_rules: Any = None) -> Config:
    """Read ``root/safetykb.yml`` over the defaults and validate it.

    ``known_rules`` (unused; kept for callers) — rule ids, levels and options are
    validated against the rule registry. Raises :class:`ConfigError` when the
    file is missing (the folder is not a knowledge base) or has any error.
    """
    from .rules import REGISTRY  # the rules import this module

    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"{root}: no {CONFIG_NAME} here, so this is not a knowledge base; "
                          f"`safetykb init DIR` makes one, `--root DIR` points at one")
    try:
        text = path.read_text("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        user = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as exc:
        line = (exc.problem_mark.line + 1) if exc.problem_mark else 1
        raise ConfigError(f"{path}:{line}: cannot read the configuration: "
                          f"{exc.problem or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}:1: cannot read the configuration: {exc}") from None
    if not isinstance(user, dict):
        raise ConfigError(f"{path}:1: expected a mapping of settings (key: value), "
                          f"got {type(user).__name__}")
    data = _merge(yaml.safe_load(_default_text()), user)
    problems: list[tuple[tuple[Any, ...], str]] = []
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        problems += [(tuple(e["loc"]), _explain(dict(e), Settings)) for e in exc.errors()]
        settings = None
    rules = data.get("rules") if isinstance(data.get("rules"), dict) else {}
    levels, options, rule_errors = _validate_rules(rules or {}, REGISTRY)
    problems += rule_errors
    for index, rule_id in enumerate(data.get("waivable") or []):
        if isinstance(rule_id, str) and rule_id not in REGISTRY:
            problems.append((("waivable", index), f"waivable: unknown rule id {rule_id!r}"
                                                  f"{_suggest(rule_id, list(REGISTRY))}"))
    if problems:
        loc, message = problems[0]
        line = _line_of(node, loc) or 1
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConfigError(f"{path}:{line}: {message}{more}")
    assert settings is not None
    return Config(data=settings.model_dump(), path=path, rule_levels=levels, options=options)
