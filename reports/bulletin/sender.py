"""Who issues the 通报, to whom, under which number, when, and by when units must rectify.

The values come from a small YAML file (`--bulletin-sender FILE`) and/or single options, options
winning; whatever is left takes a default that fits the rubric's kind. A bad file is one line naming
the file, line and field.

    sender: 某市人民政府办公室          # 发文机关 (also the signature)
    addressee: 各区县人民政府，市政府各部门  # 主送机关
    number: 某政办通〔2026〕12号         # 发文字号
    date: 2026-12-07                   # 成文日期 (default: today)
    deadline: 2027-01-15               # 整改期限 (default: 30 days after the date)
    contact: 政务公开科，0000-12345678   # 联系人及电话 (optional)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from reports.bulletin.text import plain
from xxgk import yamlfile
from xxgk.errors import UserError

DEFAULT_DAYS_TO_RECTIFY = 30
FIELDS = ("sender", "addressee", "number", "date", "deadline", "contact")
OPTION_OF = {"sender": "--bulletin-issuer", "number": "--bulletin-number", "date": "--bulletin-date",
             "deadline": "--bulletin-deadline"}  # the `xxgk report` option of each field


class SenderFile(BaseModel):
    """The YAML file's fields, every one optional."""

    model_config = ConfigDict(extra="forbid")

    sender: str | None = None
    addressee: str | None = None
    number: str | None = None
    date: dt.date | None = None
    deadline: dt.date | None = None
    contact: str | None = None

    @field_validator("sender", "addressee", "number", "contact", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, str | int):
            raise PydanticCustomError("text", "expected text")
        text = plain(value)
        if not text:
            raise PydanticCustomError("empty", "must not be empty")
        if len(text) > 200:
            raise PydanticCustomError("long", "longer than 200 characters")
        return text

    @field_validator("date", "deadline", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise PydanticCustomError("date", "expected a date YYYY-MM-DD") from None
        return value


def load_sender(path: Path | str) -> SenderFile:
    """Read and validate a sender file; errors name the file, line and field."""
    data, lines, source = yamlfile.read_mapping(path, "bulletin sender file", "a mapping of " + ", ".join(FIELDS))
    loaded = yamlfile.validate(SenderFile, data, lines, source)
    if loaded.date and loaded.deadline and loaded.deadline < loaded.date:
        raise UserError(f"deadline {loaded.deadline} is before the date {loaded.date}", source=source,
                        line=lines.get(("deadline",)), field="deadline")
    return loaded


def sender_options(path: Path | str | None = None, **given: object) -> SenderFile:
    """The file's values (when a file is given) overridden by the options that were given (not None)."""
    base = load_sender(path) if path is not None else SenderFile()
    values = base.model_dump() | {k: v for k, v in given.items() if v is not None}
    if values.get("date") and values.get("deadline") and values["deadline"] < values["date"]:
        raise UserError(f"deadline {values['deadline']} is before the date {values['date']}",
                        field="--bulletin-deadline")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise UserError(f"unknown bulletin field {', '.join(sorted(unknown))}", field="--bulletin-sender")
    try:
        return SenderFile.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = OPTION_OF.get(str(err["loc"][0]) if err["loc"] else "", "--bulletin-sender")
        raise UserError(yamlfile.pydantic_message(err), field=name) from None


@dataclass(frozen=True)
class Issuer:
    """The resolved header and footer values of one 通报."""

    sender: str
    addressee: str
    number: str
    date: dt.date
    deadline: dt.date
    contact: str | None = None


def resolve(given: SenderFile | None, *, default_sender: str, default_addressee: str, code: str,
            run_id: int, today: dt.date | None = None) -> Issuer:
    """Fill what was not given: the kind's sender and addressee, number 代字〔year〕run号, date today, +30 days."""
    g = given or SenderFile()
    day = g.date or today or dt.date.today()
    deadline = g.deadline or day + dt.timedelta(days=DEFAULT_DAYS_TO_RECTIFY)
    if deadline < day:
        raise UserError(f"deadline {deadline} is before the date {day}", field="--bulletin-deadline")
    return Issuer(sender=g.sender or default_sender, addressee=g.addressee or default_addressee,
                  number=g.number or f"{code}〔{day.year}〕{run_id}号", date=day, deadline=deadline,
                  contact=g.contact)
