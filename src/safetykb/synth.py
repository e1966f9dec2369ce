"""Realistic synthetic knowledge bases of any size, for benchmarks and tests.

The documents follow the contract and pass every rule: procedures, actions
and checklists in nested areas, cross-references, about one in ten in
Chinese. The text is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .scaffold import init_kb

AREAS = ["press", "weld", "chem", "elec", "lift", "conf", "hd", "team", "fire", "store"]
SUBAREAS = ["line-1", "line-2", "workshop-a", "workshop-b", "yard"]
EN_WORDS = (
    "isolate lock tag verify guard interlock pressure valve permit supervisor operator "
    "hazard control inspect record report rectify shift team leader ventilation gas test "
    "barrier signage training competent person emergency stop handover maintenance energy "
    "release residual confined space hot work fire watch extinguisher housekeeping spill "
    "ladder harness anchor scaffold crane load sling signal exclusion zone"
).split()
ZH_WORDS = (
    "隐患 排查 治理 整改 班组 安全 活动 培训 教育 特种 作业 持证 上岗 巡检 记录 报告 "
    "应急 处置 预案 演练 责任 落实 监督 检查 验收 防护 用品 通风 检测 动火 审批"
).split()
EN_SECTIONS = ["Purpose", "Scope", "Responsibilities", "Hazards and controls", "Procedure",
               "Emergency", "Records", "References"]
ZH_SECTIONS = ["目的", "适用范围", "职责", "危险与控制措施", "程序", "应急处置", "记录", "参考文件"]


def _sentence(rng: random.Random, zh: bool, words: int = 12) -> str:
    if zh:
        return "".join(rng.choice(ZH_WORDS) for _ in range(words // 2)) + "。"
    text = " ".join(rng.choice(EN_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, zh: bool, sentences: int) -> str:
    return " ".join(_sentence(rng, zh) for _ in range(sentences))


def _front(doc_id: str, title: str, doc_type: str, today: dt.date, rng: random.Random,
           zh: bool, related: list[str], extra: list[str]) -> list[str]:
    effective = today - dt.timedelta(days=rng.randint(10, 300))
    review = effective + dt.timedelta(days=365 + rng.randint(0, 300))
    lines = ["---", f"id: {doc_id}", f"title: {title}", f"type: {doc_type}", "revision: 1",
             "status: approved", "owner: Safety Department", "author: Safety Engineer",
             "approved_by: Plant Manager", f"effective: {effective.isoformat()}",
             f"review_due: {review.isoformat()}",
             f"tags: [{rng.choice(EN_WORDS)}, {rng.choice(EN_WORDS)}]"]
    if related:
        lines.append(f"related: [{', '.join(related)}]")
    if zh:
        lines.append("lang: zh")
    return lines + extra + ["---", ""]


def procedure(doc_id: str, today: dt.date, rng: random.Random, zh: bool,
              related: list[str]) -> str:
    title = ("安全管理程序 " if zh else "Safety procedure ") + doc_id
    out = _front(doc_id, title, "procedure", today, rng, zh, related, [])
    for name in ZH_SECTIONS if zh else EN_SECTIONS:
        out += [f"## {name}", ""]
        if name in ("Procedure", "程序"):
            out += [f"{n}. {_sentence(rng, zh, 16)}" for n in range(1, 13)]
            out.append("")
        out += [_paragraph(rng, zh, 4), ""]
    return "\n".join(out)


def action(doc_id: str, today: dt.date, rng: random.Random, related: list[str]) -> str:
    out = _front(doc_id, f"Standardised action {doc_id}", "action", today, rng, False,
                 related, [])
    out += ["## Purpose", "", _paragraph(rng, False, 3), "", "## Hazards and controls", "",
            _paragraph(rng, False, 4), "", "## Steps", ""]
    for n in range(1, 10):
        out += [f"{n}. {_sentence(rng, False, 10)}",
                f"    - Key point: {_sentence(rng, False, 8)}",
                f"    - Hazard: {_sentence(rng, False, 6)}"]
    out += ["", "## Prohibited actions", "", f"- {_sentence(rng, False, 8)}",
            f"- {_sentence(rng, False, 8)}", ""]
    return "\n".join(out)


def checklist(doc_id: str, today: dt.date, rng: random.Random, zh: bool, parent: str) -> str:
    title = ("检查表 " if zh else "Checklist ") + doc_id
    extra = ["mode: do-confirm", f"procedure: {parent}", "workstation: Line 1"]
    out = _front(doc_id, title, "checklist", today, rng, zh, [], extra)
    out += [_sentence(rng, zh, 14), ""]
    for pause in (["开工前", "收工后"] if zh else ["Before start", "After shutdown"]):
        out += [f"## {pause}", ""]
        for n in range(6):
            mark = "(!) " if n == 0 else ""
            out.append(f"- [ ] {mark}{_sentence(rng, zh, 7).rstrip('.。')}")
        out.append("")
    return "\n".join(out)


def generate(root: Path, count: int, seed: int = 1, today: dt.date | None = None) -> list[Path]:
    """Write a knowledge base of ``count`` documents into ``root`` (new or empty).

    About 60 % procedures, 15 % actions and 25 % checklists; every document
    refers to earlier ones; one in ten procedures and checklists is Chinese.
    """
    today = today or dt.date.today()
    rng = random.Random(seed)
    init_kb(root, today)
    for sample in ("procedures/gen", "checklists/gen"):
        for path in (root / sample).glob("*.md"):
            path.unlink()
    written: list[Path] = []
    procedures: list[str] = []
    for n in range(count):
        area = AREAS[n % len(AREAS)]
        sub = SUBAREAS[(n // len(AREAS)) % len(SUBAREAS)]
        kind = n % 20
        zh = n % 10 == 3
        related = rng.sample(procedures, k=min(2, len(procedures)))
        if kind < 12 or not procedures:
            doc_id = f"PROC-{area.upper()}-{n + 1:05d}"
            text = procedure(doc_id, today, rng, zh, related)
            path = root / "procedures" / area / sub / f"{doc_id.lower()}.md"
            procedures.append(doc_id)
        elif kind < 15:
            doc_id = f"ACT-{area.upper()}-{n + 1:05d}"
            text = action(doc_id, today, rng, related)
            path = root / "procedures" / "actions" / area / f"{doc_id.lower()}.md"
        else:
            doc_id = f"CL-{area.upper()}-{n + 1:05d}"
            text = checklist(doc_id, today, rng, zh, rng.choice(procedures))
            path = root / "checklists" / area / sub / f"{doc_id.lower()}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written
