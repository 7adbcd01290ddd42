"""Site channels for the inspection rubric (政务服务, 政民互动, 信息公开 …), found by link text and
destination wherever they sit on a page — top menu, a header table, the footer — never by the
name of the container that holds them.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from crawler.extract.html import absolute, clean, node_text

CHANNELS: dict[str, re.Pattern[str]] = {
    "信息公开": re.compile(r"^(?:政府|政务)?信息公开(?:网|专栏|平台|目录)?$|^政务公开$"),
    "政务服务": re.compile(r"^(?:政务服务|网上办事|办事服务|在线办事|便民服务|公共服务|网上服务大厅|政务服务网|办事大厅)$"),
    "政民互动": re.compile(r"^(?:政民互动|互动交流|公众参与|互动参与|政务互动|在线互动|民意征集|领导信箱|书记信箱|县长信箱|市长信箱)$"),
    "走进": re.compile(r"^(?:走进|魅力|印象)[\u4e00-\u9fa5]{1,6}$|^概况$"),
    "新闻": re.compile(r"^(?:新闻中心|新闻动态|要闻动态|政务动态|工作动态)$"),
}
MAX_LABEL = 16


def site_channels(sel: Selector, base: str) -> list[dict[str, Any]]:
    """Each channel the page links to: {channel, text, url}; the first link per channel wins."""
    found: dict[str, dict[str, Any]] = {}
    for a in sel.xpath("//body//a[@href]"):
        labels = [node_text(a), clean(a.attrib.get("title")), clean(" ".join(a.xpath(".//img/@alt").getall()))]
        for label in labels:
            label = label.replace(" ", "")
            if not label or len(label) > MAX_LABEL:
                continue
            for channel, pattern in CHANNELS.items():
                if channel in found or not pattern.search(label):
                    continue
                url = absolute(base, a.attrib.get("href"))
                if url:
                    found[channel] = {"channel": channel, "text": label, "url": url}
    return list(found.values())


__all__ = ["CHANNELS", "site_channels"]
