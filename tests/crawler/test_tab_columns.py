"""Tab strips over hidden panes name columns; ordinary link rows do not."""

from parsel import Selector

from crawler.extract.columns import tab_columns


def test_handan_tab_strip_names_its_four_columns(realworld):
    raw = (realworld / "handan-2020" / "gov-xxgk-home-handan-2020.html").read_bytes().decode("utf-8", "replace")
    got = [(n.name, n.url) for n in tab_columns(Selector(raw), "http://hdzfxxgk.hd.gov.cn/")]
    assert got == [("市政府文件", "http://hdzfxxgk.hd.gov.cn/zfwj/szfwj/"),
                   ("市政府办公室文件", "http://hdzfxxgk.hd.gov.cn/zfwj/zhengcejd/"),
                   ("市政府令", "http://hdzfxxgk.hd.gov.cn/zfwj/szfl/"),
                   ("修订废止", "http://hdzfxxgk.hd.gov.cn/zfwj/xdfz/")]


PANE = '<ul {style}><li><a href="a/{i}.html">标题{i}</a><span>2026-10-0{i}</span></li>' \
       '<li><a href="a/{j}.html">标题{j}</a><span>2026-09-0{i}</span></li></ul>'


def _page(strip: str, hidden: bool) -> str:
    panes = "".join(PANE.format(style='style="display:none"' if hidden and i else 'style="display:block"', i=i + 1,
                                j=i + 5) for i in range(2))
    return f"<html><body><div class='box'>{strip}{panes}</div></body></html>"


def test_only_strips_over_hidden_panes_count():
    strip = '<div class="title"><a href="yw/">要闻</a> <a href="dt/">动态</a> <a href="more/">更多>></a></div>'
    got = [(n.name, n.url) for n in tab_columns(Selector(_page(strip, hidden=True)), "http://x.gov.cn/xxgk/")]
    assert got == [("要闻", "http://x.gov.cn/xxgk/yw/"), ("动态", "http://x.gov.cn/xxgk/dt/")]
    assert tab_columns(Selector(_page(strip, hidden=False)), "http://x.gov.cn/xxgk/") == []  # nothing hidden
    three = strip.replace("</div>", '<a href="x/">第三</a></div>')
    assert tab_columns(Selector(_page(three, hidden=True)), "http://x.gov.cn/xxgk/") == []  # counts differ
