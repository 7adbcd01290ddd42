"""The 公文 fonts of the bulletin, and which of them this machine can print with.

GB/T 9704 sets the title in 小标宋, first-level headings in 黑体, second-level in 楷体 and the body
in 仿宋_GB2312. The DOCX names these fonts (an office's Word has them; Word substitutes when not).
The PDF is printed here by Chromium, so its font list puts the first installed one of each role
first (`fc-list :lang=zh`), then a CJK font that is installed as the fallback (Debian's
fonts-wqy-microhei or fonts-noto-cjk), so no glyph prints as a box.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

log = logging.getLogger(__name__)

# role → the 公文 font names, preferred first (Windows names, then their common Linux/macOS equivalents)
PREFERRED: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "SimSun", "宋体",
              "Noto Serif CJK SC", "AR PL UMing CN"),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC"),
    "subheading": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "AR PL UMing CN"),
}
# printed when none of a role's fonts is installed
FALLBACK = ("Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
DOCX = {role: names[0] for role, names in PREFERRED.items()}  # what the Word document names


@functools.cache
def installed_cjk() -> frozenset[str]:
    """Family names (every localised spelling) of the fonts with Chinese glyphs; empty without fontconfig."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fc-list failed (%s); the bulletin PDF uses the fallback fonts", exc)
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def chosen(role: str, installed: frozenset[str] | None = None) -> str:
    """The font the PDF prints `role` with: the first installed 公文 font, else the first installed fallback."""
    have = installed_cjk() if installed is None else installed
    for name in (*PREFERRED[role], *FALLBACK):
        if name in have:
            return name
    return FALLBACK[-1]


def css_stack(role: str, installed: frozenset[str] | None = None) -> str:
    """A CSS font-family list for `role`: the chosen font first, then the 公文 names and the fallbacks."""
    names = dict.fromkeys((chosen(role, installed), *PREFERRED[role], *FALLBACK))
    return ", ".join(f'"{n}"' for n in names) + (", sans-serif" if role == "heading" else ", serif")
