"""Notifications when an audit ends: an HTTP POST of the JSON summary to a webhook, and an email.

Configured in an assertion file's `notify:` block. A notification that cannot be delivered is logged
and reported to the caller; it never changes the audit's result or loses what was stored.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.request
from email.message import EmailMessage
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

log = logging.getLogger(__name__)
TIMEOUT = 20  # seconds for a webhook or an SMTP server to answer


class EmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    to: list[str] = Field(min_length=1)
    sender: str = Field(default="xxgk@localhost", alias="from")
    smtp: str = "127.0.0.1:25"  # host:port
    subject: str = "xxgk 评估结果：{status}（run {run}）"
    starttls: bool = False
    user: str | None = None
    password_env: str | None = None  # name of an environment variable holding the password

    @field_validator("smtp")
    @classmethod
    def _host_port(cls, v: str) -> str:
        host, _, port = v.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("smtp must be host:port")
        return v


class NotifyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    on: Literal["violation", "always"] = "violation"
    webhook: str | None = None
    email: EmailConfig | None = None

    @field_validator("webhook")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("webhook must be an http(s) URL")
        return v


def notify(config: NotifyConfig, summary: dict[str, Any]) -> list[str]:
    """Send the summary where the config says; returns one line per delivery problem."""
    if config.on == "violation" and summary.get("status") == "pass":
        return []
    problems: list[str] = []
    if config.webhook:
        try:
            post_webhook(config.webhook, summary)
        except Exception as exc:  # any failure to deliver is reported, never raised
            problems.append(f"webhook {config.webhook}: {exc}")
    if config.email:
        try:
            send_email(config.email, summary)
        except Exception as exc:
            problems.append(f"email via {config.email.smtp}: {exc}")
    for line in problems:
        log.warning("notification not delivered: %s", line)
    return problems


def post_webhook(url: str, summary: dict[str, Any]) -> None:
    body = json.dumps(summary, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "xxgk-notify"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - the user's own URL
        if resp.status >= 300:
            raise OSError(f"HTTP {resp.status}")


def email_text(summary: dict[str, Any]) -> str:
    """The plain-text body: the verdict, then one line per violation."""
    lines = [f"run {summary['run']} · rubric {summary['rubric']} · {summary['sites']} sites · "
             f"{summary['status']}: {summary['errors']} errors, {summary['warnings']} warnings"]
    lines += [v["text"] for v in summary.get("violations", [])]
    if summary.get("unjudged"):
        lines.append(f"not judged: {len(summary['unjudged'])} (no score or not checkable)")
    return "\n".join(lines) + "\n"


def send_email(cfg: EmailConfig, summary: dict[str, Any]) -> None:
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(cfg.to)
    msg["Subject"] = cfg.subject.format(status=summary["status"], run=summary["run"])
    msg.set_content(email_text(summary))
    msg.add_attachment(json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"), maintype="application",
                       subtype="json", filename="assertions.json")
    host, _, port = cfg.smtp.rpartition(":")
    with smtplib.SMTP(host, int(port), timeout=TIMEOUT) as smtp:
        if cfg.starttls:
            smtp.starttls()
        if cfg.user:
            smtp.login(cfg.user, os.environ.get(cfg.password_env or "", ""))
        smtp.send_message(msg)
