"""Words printed on the sheets, in the document's language."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "checklist_kicker": "CHECKLIST", "action_kicker": "STANDARDISED ACTION - JOB CARD",
        "id": "ID", "revision": "Revision", "effective": "Effective", "status": "Status",
        "mode": "Mode", "workstation": "Workstation", "owner": "Owner",
        "procedure": "Procedure", "applies_to": "Applies to",
        "critical": "CRITICAL:", "yes": "Yes", "no": "No", "na": "N/A",
        "finding": "Finding / action:",
        "dangers": "Hidden dangers found (enter each one in the hidden-danger register):",
        "name": "Name", "date": "Date", "shift": "Shift / team", "supervisor": "Supervisor",
        "step_no": "No.", "step": "Step", "key_point": "Key point", "hazard": "Hazard",
        "prohibited": "Prohibited actions", "bullet": "\u00d7",
        "page": "Page {n} of {m}", "build": "Build",
        "uncontrolled": "Uncontrolled when printed: check the current revision at {url}",
        # The reader of a posted sheet cannot set site_url: the build says so.
        "no_url": "Uncontrolled when printed: check the current revision on the "
                  "knowledge-base site",
        "wm_draft": "DRAFT", "wm_superseded": "SUPERSEDED \u2014 DO NOT USE",
        "wm_withdrawn": "WITHDRAWN \u2014 DO NOT USE",
        "wm_upcoming": "NOT YET IN FORCE",
        "mode_read-do": "read-do", "mode_do-confirm": "do-confirm",
        "mode_inspection": "inspection (Yes / No / N/A)",
        "pack_title": "Print pack", "pack_intro": "Sheets in this pack, in order. Replace every "
                      "posted sheet of this {what} with these revisions.",
        "pack_workstation": "workstation", "pack_area": "area", "title": "Title",
        "pages": "Pages", "cover_generated": "Generated from the knowledge base",
    },
    "zh": {
        "checklist_kicker": "检查表", "action_kicker": "标准化作业卡",
        "id": "编号", "revision": "版次", "effective": "生效日期", "status": "状态",
        "mode": "方式", "workstation": "张贴位置", "owner": "归口部门",
        "procedure": "所属程序", "applies_to": "适用范围",
        "critical": "【关键】", "yes": "是", "no": "否", "na": "不适用",
        "finding": "发现问题/整改措施：",
        "dangers": "发现的隐患（逐项登记到隐患排查记录）：",
        "name": "姓名", "date": "日期", "shift": "班次/班组", "supervisor": "班组长签字",
        "step_no": "序号", "step": "操作步骤", "key_point": "操作要点", "hazard": "危险",
        "prohibited": "禁止行为", "bullet": "\u00d7",
        "page": "第 {n} 页，共 {m} 页", "build": "构建",
        "uncontrolled": "打印件为非受控文件：请在 {url} 核对现行版次",
        "no_url": "打印件为非受控文件：请在知识库网站核对现行版次",
        "wm_draft": "草稿", "wm_superseded": "已替代 \u2014 禁止使用",
        "wm_withdrawn": "已废止 \u2014 禁止使用",
        "wm_upcoming": "尚未生效",
        "mode_read-do": "逐项读做", "mode_do-confirm": "做后确认",
        "mode_inspection": "检查（是/否/不适用）",
        "pack_title": "打印包",
        "pack_intro": "本包所含文件如下。请用这些版次替换该{what}张贴的全部文件。",
        "pack_workstation": "岗位", "pack_area": "区域", "title": "名称",
        "pages": "页数", "cover_generated": "由知识库生成",
    },
}

STATUS_ZH = {"draft": "草稿", "approved": "已批准", "superseded": "已替代", "withdrawn": "已废止"}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


def status_text(status: str, lang: str) -> str:
    return STATUS_ZH.get(status, status) if lang == "zh" else status
