"""Task tables (biểu phân công nhiệm vụ) as one dict per task row.

The readers give a table as TAB-separated rows, one per line. In these documents a table
is interrupted by page breaks: the header row (``TT\tNội dung nhiệm vụ\t…``) is printed
again on every page, a row cut by the break goes on in a line whose TT cell is empty, and a
lead cell merged over several rows is empty in all but the first. Parts of a table are
opened by section rows (``I\tNHỮNG NHIỆM VỤ TIẾP TỤC…``). Columns are recognised by their
header words (``data/task_columns.tsv``), so tables with other column sets (thẩm quyền,
nguồn lực, ghi chú…) are read the same way::

    >>> text = ("TT\\tNội dung nhiệm vụ\\tCơ quan chủ trì\\tThời gian\\n"
    ...         "I\\tNHIỆM VỤ TIẾP TỤC\\t\\t\\n"
    ...         "1\\tTiếp tục thực hiện Đề án số 16-ĐA/TU\\tBan Tổ chức Tỉnh ủy\\tThường xuyên\\n"
    ...         "2\\tTham mưu tổng kết\\t\\tQuý I/2024\\n")
    >>> rows = extract_tasks(text)
    >>> [(r["section"], r["tt"], r["lead"], r["lead_inherited"], r["references"]) for r in rows]
    [('I', '1', 'Ban Tổ chức Tỉnh ủy', None, ['16-ĐA/TU']), ('I', '2', None, 'Ban Tổ chức Tỉnh ủy', [])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from loaders.find import find_symbols, symbols_within
from loaders.fold import fold
from loaders.tables import table

ROLES = ("tt", "content", "lead", "cooperating", "deadline", "authority", "resources", "notes", "product")

_TAG = re.compile(r"<[^>\n]{1,40}>")
_PARA_BREAK = re.compile(r"</p>\s*<p[^>]*>", re.I)
_EMPH = re.compile(r"(?<!\w)\*{1,2}|\*{1,2}(?!\w)")
_ROMAN = re.compile(r"^(?=[IVXL])M*(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")
_TT = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.)]?$")
_COLNUM = re.compile(r"^\(?\d{1,2}\)?$")
_PAGE_NO = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_SUBROW = re.compile(r"^(?:[-+*•]|[a-zđ]\)?|[a-zđ]\.)$")


@lru_cache(maxsize=8192)  # a row is cleaned several times (roles, section rows, emit)
def clean_cell(value: str | None) -> str:
    """A cell's text without markup (``<i>``, ``<p>``, ``*…*``) and with single spaces.

    >>> clean_cell("Thực hiện thường xuyên (<i>Hoàn thành vào Quý IV/2025</i>)")
    'Thực hiện thường xuyên (Hoàn thành vào Quý IV/2025)'
    """
    if not value:
        return ""
    if "<" in value:
        value = _TAG.sub("", _PARA_BREAK.sub(" ", value))
    if "*" in value:
        value = _EMPH.sub("", value)
    return " ".join(value.split())


@cache
def _column_words() -> tuple[tuple[str, str], ...]:
    return tuple((fold(r["header"]), r["role"]) for r in table("task_columns") if r["header"])


def header_roles(cells: list[str]) -> dict[int, str] | None:
    """Column index -> role when ``cells`` is a task-table header row, else None.

    >>> header_roles(["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"])
    {0: 'tt', 1: 'content', 2: 'lead', 3: 'cooperating', 4: 'deadline'}
    """
    roles: dict[int, str] = {}
    for i, cell in enumerate(cells):
        role = _cell_role(cell)
        if role is not None:
            roles[i] = role
    found = set(roles.values())
    if "tt" in found and "content" in found and len(found) >= 3:
        return roles
    return None


@lru_cache(maxsize=4096)
def _cell_role(cell: str) -> str | None:
    """The role a header cell names, or None (cached: every table row is tried as a header)."""
    if len(cell) > 120:
        return None  # a content cell, not a header word
    key = fold(clean_cell(cell))
    if not key:
        return None
    words = f" {key} "
    for word, role in _column_words():
        # 'tt' only as a whole cell: "TT" also occurs inside "Thường trực"-like words.
        if role == "tt":
            if key == word:
                return role
        elif f" {word} " in words:
            return role
    return None


@dataclass
class _Row:
    section: str | None
    section_title: str | None
    tt: str
    cells: dict[str, list[str]] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def extract_tasks(text: str) -> list[dict]:
    """One dict per task row of every task table in ``text`` (see the module docstring).

    Keys: ``section`` (roman numeral of the part, or None), ``section_title``, ``tt``, ``content``,
    ``lead``, ``lead_inherited`` (value of the merged lead cell above when this one is empty),
    ``cooperating``, ``deadline``, ``authority``, ``resources``, ``notes``, ``product``,
    ``issued_as`` (first symbol named in the notes cell), ``references`` (symbols in the row),
    ``start``/``end`` (offsets of the row, continuation lines included) and ``table`` (0, 1, …).
    Cell values have markup removed.
    """
    rows: list[_Row] = []
    roles: dict[int, str] | None = None
    header_key: str | None = None
    section: str | None = None
    section_title: str | None = None
    current: _Row | None = None
    table_rows: list[_Row] = []
    tables: list[list[_Row]] = []

    def close_table() -> None:
        nonlocal roles, header_key, section, section_title, current, table_rows
        if table_rows:
            tables.append(table_rows)
        roles, header_key, section, section_title, current, table_rows = None, None, None, None, None, []

    for start, line in _lines(text):
        if "\t" not in line:
            if roles is not None and line.strip() and not _PAGE_NO.match(line):
                close_table()  # running text ends the table; blank lines and page numbers do not
            continue
        cells = line.rstrip("\r").split("\t")
        new_roles = header_roles(cells)
        if new_roles is not None:
            key = fold(" ".join(cells))
            if key != header_key:
                close_table()  # a different header opens a new table
                roles, header_key = new_roles, key
            continue  # a page-break repeat: the row above may go on below it
        if roles is None:
            continue
        by_role: dict[str, str] = {}
        for i, cell in enumerate(cells):
            role = roles.get(i)
            if role:
                by_role.setdefault(role, cell)
                if by_role[role] is not cell and cell.strip():
                    by_role[role] = f"{by_role[role]} {cell}"
        tt_raw = clean_cell(by_role.get("tt", ""))
        rest = [clean_cell(v) for r, v in by_role.items() if r != "tt"]
        if not tt_raw and not any(rest):
            continue
        if _header_continuation(cells, roles):
            # its cells name the columns under the merged cell above ("Cơ quan thực hiện" over
            # "Chủ trì" and "Phối hợp"; the second of them is empty in the first header row)
            for i, cell in enumerate(cells):
                if cell.strip() and (role := _cell_role(cell)):
                    roles[i] = role
            continue
        if all(_COLNUM.match(c.strip()) for c in cells if c.strip()) and sum(1 for c in cells if c.strip()) >= 3:
            continue  # the "(1) (2) (3)…" row under a header
        m = _TT.match(tt_raw)
        if m:
            current = _Row(section, section_title, m.group(1))
            table_rows.append(current)
        elif _ROMAN.match(tt_raw.rstrip(".)")) or re.fullmatch(r"[A-ZĐ][.)]?", tt_raw):
            section = tt_raw.rstrip(".)")     # "I." and "A." as "I" and "A"
            section_title = next((clean_cell(v) for r, v in by_role.items() if r != "tt" and clean_cell(v)), None)
            current = None  # a section row spans all columns: nothing merges across it
            continue
        elif (not tt_raw or _SUBROW.match(tt_raw.lower())) and current is not None:
            pass  # a row cut by a page break (or a sub-item): its cells go on the row above
        else:
            continue
        for role, value in by_role.items():
            if role == "tt":
                continue
            value = value.strip()
            if value:
                current.cells.setdefault(role, []).append(value)
        current.spans.append((start, start + len(line.rstrip("\r"))))
    close_table()

    out: list[dict] = []
    for number, rows in enumerate(tables):
        inherited: str | None = None
        last_section: object = object()
        for row in rows:
            if row.section != last_section:
                inherited, last_section = None, row.section
            out.append(_emit(text, row, inherited))
            out[-1]["table"] = number
            inherited = out[-1]["lead"] or out[-1]["lead_inherited"]
    return out


def _header_continuation(cells: list[str], roles: dict[int, str]) -> bool:
    """A second header line under merged header cells ("\\t\\tChủ trì\\tPhối hợp")."""
    if cells and cells[0].strip():
        return False
    filled = [c for c in cells if c.strip()]
    if not filled:
        return False
    sub = header_roles(["TT", "Nội dung"] + filled)
    return sub is not None and len(sub) == len(filled) + 2 and all(len(c) < 40 for c in filled)


def _emit(text: str, row: _Row, inherited: str | None) -> dict:
    cell = {role: clean_cell(" ".join(parts)) or None for role, parts in row.cells.items()}
    lead = cell.get("lead")
    refs: list[str] = []
    for s, e in row.spans:
        for m in symbols_within(text, s, e):  # row spans end at a line break
            if m.symbol not in refs:
                refs.append(m.symbol)
    issued_as = None
    if cell.get("notes"):
        hits = find_symbols(cell["notes"])
        if hits:
            issued_as = hits[0].symbol
    return {
        "section": row.section,
        "section_title": row.section_title,
        "tt": row.tt,
        "content": cell.get("content"),
        "lead": lead,
        "lead_inherited": None if lead else inherited,
        "cooperating": cell.get("cooperating"),
        "deadline": cell.get("deadline"),
        "authority": cell.get("authority"),
        "resources": cell.get("resources"),
        "notes": cell.get("notes"),
        "product": cell.get("product"),
        "issued_as": issued_as,
        "references": refs,
        "start": row.spans[0][0],
        "end": row.spans[-1][1],
    }
