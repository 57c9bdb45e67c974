"""Reading mySociety's register of UK local authorities into checked rows (no database).

The register's quirks are handled here: names with commas inside quotes, a few lines that
are not UTF-8, text that was mis-encoded once already ("Mï¿½n"), and empty fields.
Every rejected row and every repair is reported with its line number.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
REQUIRED_COLUMNS = ("local-authority-code", "official-name", "nation")
ALIASES_MAX = 20

# UTF-8 bytes once decoded as Latin-1/cp1252: "Ã©" for "é", "ï¿½" for a lost character.
_MOJIBAKE = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u2122]")
_SMALL_WORDS = {"of", "and", "the", "upon", "on", "in", "with", "under", "by"}


class RegisterUnreadable(Exception):
    """The file cannot be read as a register at all (missing, empty, wrong columns)."""


@dataclasses.dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclasses.dataclass(frozen=True)
class CouncilRow:
    """One checked row of the register."""

    line: int
    code: str
    name: str
    short_name: str
    gss_code: str | None
    nation: str
    region: str | None
    type_name: str
    ended_on: dt.date | None
    replaced_by: tuple[str, ...]
    aliases: tuple[str, ...]
    description: str = ""

    @property
    def register_key(self) -> str:
        return f"la:{self.code}"


@dataclasses.dataclass
class ParsedRegister:
    rows: list[CouncilRow]
    rejected: list[RowProblem]
    warnings: list[RowProblem]


def read_register(source: str | Path | bytes | Iterable[str]) -> ParsedRegister:
    """Parse a path, raw bytes or text lines into checked rows, rejections and warnings."""
    warnings: list[RowProblem] = []
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise RegisterUnreadable(f"cannot read {path}: {exc.strerror or exc}") from exc
    lines = _decode_lines(source, warnings) if isinstance(source, bytes) else list(source)
    reader = csv.reader(lines)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise RegisterUnreadable("the file is empty or is not CSV") from exc
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RegisterUnreadable(
            "this is not the UK local authorities register: no column " + ", ".join(missing)
        )
    rows: list[CouncilRow] = []
    rejected: list[RowProblem] = []
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(RowProblem(line, f"not readable as CSV ({exc})"))
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            rejected.append(
                RowProblem(line, f"expected {len(header)} columns, found {len(values)}")
            )
            continue
        try:
            row = _check_row(line, dict(zip(header, values, strict=True)), warnings)
        except ValueError as exc:
            rejected.append(RowProblem(line, str(exc)))
            continue
        if row.code in seen:
            rejected.append(
                RowProblem(line, f"code {row.code} was already on line {seen[row.code]}")
            )
            continue
        seen[row.code] = line
        rows.append(row)
    names = {row.code: row.name for row in rows}
    rows = [dataclasses.replace(row, description=_describe(row, names)) for row in rows]
    return ParsedRegister(rows=rows, rejected=rejected, warnings=warnings)


def _decode_lines(data: bytes, warnings: list[RowProblem]) -> list[str]:
    """UTF-8 line by line; a line that is not UTF-8 is read as cp1252 and reported."""
    lines = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
            warnings.append(RowProblem(number, "not UTF-8; read as Windows-1252"))
    return lines


def _check_row(line: int, raw: dict[str, str], warnings: list[RowProblem]) -> CouncilRow:
    def text(column: str) -> str:
        value, problem = repair_text(raw.get(column) or "")
        if problem:
            warnings.append(RowProblem(line, f"{column}: {problem}"))
        return value or ""

    code, name = text("local-authority-code").upper(), text("official-name")
    if not code:
        raise ValueError("no local-authority-code")
    if not name:
        raise ValueError(f"no official-name for {code}")
    if len(name) > 200 or len(code) > 30:
        raise ValueError(f"{code}: name or code too long")
    nation = text("nation")
    if nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r} for {code}")
    _parse_date(text("start-date"), "start-date")
    short_name = text("nice-name") or name
    return CouncilRow(
        line=line,
        code=code,
        name=name,
        short_name=short_name,
        gss_code=text("gss-code").upper() or None,
        nation=nation,
        region=text("region") or None,
        type_name=text("local-authority-type-name") or "Local authority",
        ended_on=_parse_date(text("end-date"), "end-date"),
        replaced_by=tuple(c.strip().upper() for c in text("replaced-by").split(",") if c.strip()),
        aliases=_aliases(name, short_name, raw.get("alt-names") or "", line, warnings),
    )


def _parse_date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None


def repair_text(value: str) -> tuple[str | None, str | None]:
    """Undo one round of mis-encoding; (None, why) when characters were lost for good."""
    text = value
    problem = None
    if _MOJIBAKE.search(text):
        for codec in ("cp1252", "latin-1"):
            try:
                text = text.encode(codec).decode("utf-8")
                problem = "mis-encoded characters repaired"
                break
            except UnicodeError:
                continue
    if "\ufffd" in text:
        return None, f"characters lost in an earlier mis-encoding ({value.strip()!r}); left out"
    # U+FFA0 is what a mis-encoded no-break space becomes; format characters are invisible.
    cleaned = "".join(
        " " if c.isspace() or c == "\uffa0" else c for c in text if unicodedata.category(c) != "Cf"
    )
    return re.sub(r"\s+", " ", cleaned).strip(), problem


def _aliases(
    name: str, short_name: str, alt_names: str, line: int, warnings: list[RowProblem]
) -> tuple[str, ...]:
    """The register's other names, without case variants or typo variants of kept ones."""
    kept: list[str] = []
    seen = {name.casefold()}
    # Items are joined with "," — a comma followed by a space belongs inside a name.
    for raw in [short_name, *re.split(r",(?! )", alt_names)]:
        alias, problem = repair_text(raw)
        if problem:
            warnings.append(RowProblem(line, f"alt-names: {problem}"))
        if not alias or alias.casefold() in seen or len(alias) > 200:
            continue
        if alias == alias.lower():
            if any(_typo_of(alias, other) for other in seen):
                continue
            alias = _title(alias)
        seen.add(alias.casefold())
        kept.append(alias)
    return tuple(kept[:ALIASES_MAX])


def _typo_of(alias: str, other: str) -> bool:
    return difflib.SequenceMatcher(None, alias.casefold(), other, autojunk=False).ratio() >= 0.85


def _title(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _describe(row: CouncilRow, names: dict[str, str]) -> str:
    place = ", ".join(dict.fromkeys(p for p in (row.region, row.nation) if p))
    parts = [f"{row.type_name} in {place}."]
    if row.ended_on:
        ended = f"Abolished on {row.ended_on.day} {row.ended_on:%B %Y}."
        successors = [names.get(code, code) for code in row.replaced_by]
        if successors:
            ended += " Replaced by " + " and ".join(successors) + "."
        parts.append(ended)
    parts.append("Source: mySociety's register of UK local authorities (CC BY 4.0).")
    return " ".join(parts)
