"""Hand-written government portals for the crawler tests (our own markup, from cms-markup.md):
a 大汉 Hanweb portal with dataproxy.jsp paging and every access barrier, a gkmlpt portal, an
off-site host, and a TRS 动静结合 + script-filled list portal that needs the browser."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from dyn_server import docx_bytes, html, raw, scanned_pdf, text_pdf, xlsx_bytes

HANWEB_ITEMS = [  # (title, date, article id)
    ("关于做好春季森林防火工作的通知", "2024-05-01", 1),
    ("县政府关于印发乡村振兴实施方案的通知", "2024-04-20", 2),
    ("关于开展安全生产大检查的通知", "2024-04-02", 3),
    ("县政府办公室关于调整防汛指挥部成员的通知", "2024-03-15", 4),
    ("柘水县人民政府2023年政府信息公开工作年度报告", "2024-01-20", 5),
    ("关于公布行政许可事项清单的通知", "2023-12-01", 6),
    ("关于征集民生实事项目的公告", "2023-11-11", 7),
]
PER, GROUP = 2, 2


def _art_url(n: int, date: str) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    return f"/art/{y}/{m}/{d}/art_2_{n}.html"


def _record(title: str, date: str, n: int) -> str:
    short = title if len(title) <= 14 else title[:14] + "..."
    return (f"<record><![CDATA[<li><a href='{_art_url(n, date)}' title='{title}' target='_blank'>{short}</a>"
            f"<span>{date}</span></li>]]></record>")


NAV = ('<div class="left-nav"><ul>'
       '<li><a href="/col/col2/index.html">通知公告</a></li>'
       '<li><a href="/col/col3/index.html">内部资料</a></li>'
       '<li><a href="/col/col4/index.html">内部通知</a></li>'
       '<li><a href="/col/col5/index.html">办公系统</a></li>'
       '<li><a href="{ext}/x/zpxx/">人才招聘</a></li>'
       "</ul></div>")


def hanweb_routes(ext: str) -> dict[str, Any]:
    """Routes of the Hanweb portal; `ext` is the off-site host's base URL."""
    nav = NAV.format(ext=ext)
    first = "".join(_record(t, d, n) for t, d, n in HANWEB_ITEMS[: PER * GROUP])
    col2 = (
        f'{nav}<div id="202"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
        f'dataproxy.jsp?page=1&webid=1&columnid=2&unitid=202"></a>]]></nextgroup><recordset>{first}</recordset>'
        '</datastore></script></div><script>var totalRecord = 7; $(function(){ $("#202").jpage({ dataStore: 202, '
        f"perPage: {PER}, groupSize: {GROUP}, totalRecord: totalRecord, proxyUrl: '/module/web/jpage/dataproxy.jsp', "
        "ajaxParam: { col:1,appid:1,webid:1,path:'/',columnid:2,unitid:202,webname:'柘水县',permissiontype:0 } }); });"
        "</script>"
    )

    def proxy(method: str, path: str, query: dict, form: dict) -> tuple:
        if form.get("columnid", [""])[0] != "2":
            return raw(b"<datastore><totalrecord>0</totalrecord></datastore>", "text/xml")
        start, end = int(query["startrecord"][0]), int(query["endrecord"][0])
        start = max(1, start - 1)  # this site repeats the previous group's last record
        recs = "".join(_record(t, d, n) for t, d, n in HANWEB_ITEMS[start - 1 : end])
        body = f"<datastore><totalrecord>7</totalrecord><totalpage>4</totalpage><recordset>{recs}</recordset></datastore>"
        return raw(body.encode(), "text/xml; charset=utf-8")

    def search(method: str, path: str, query: dict, form: dict) -> tuple:
        q = query.get("q", [""])[0]
        hits = [t for t, _, _ in HANWEB_ITEMS if q and q in t]
        return html("".join(f"<li>{t}</li>" for t in hits) or "<p>没有找到</p>", "搜索结果")

    routes: dict[str, Any] = {
        "/index.html": html(
            '<div class="header"><a href="/col/col1/index.html">政府信息公开</a>'
            '<a href="#">政务微信</a><a href="javascript:void(0)">政务微博</a></div>'
            '<form action="/jrobot/search.do" method="get"><input type="text" name="q"><input type="submit"></form>'
            "<ul><li><a href='/art/2024/5/1/art_2_1.html'>关于做好春季森林防火工作的通知</a><span>2024-05-01</span></li></ul>",
            "柘水县人民政府",
        ),
        "/col/col1/index.html": html(nav + "<p>政府信息公开</p>", "政府信息公开"),
        "/col/col2/index.html": html(col2, "通知公告", head='<script src="/module/web/jpage/jpage.js"></script>'),
        "/col/col3/index.html": (403, {"Content-Type": "text/html"}, b"<h1>403 Forbidden</h1>"),
        "/col/col4/index.html": html(nav + "<p>对不起，您的IP地址范围未授权，无法访问本栏目。</p>", "提示"),
        "/col/col5/index.html": (302, {"Location": "/login.jsp?from=col5"}, b""),
        "/login.jsp": html('<form><input name="user"><input type="password" name="pw"></form>', "统一身份认证"),
        "/module/web/jpage/dataproxy.jsp": proxy,
        "/jrobot/search.do": search,
        "/files/a1.pdf": raw(text_pdf("Notice attachment text 2024"), "application/pdf"),
        "/files/a1.docx": raw(docx_bytes(["附件：检查表", "第二段内容"]), "application/octet-stream"),
        "/files/a1.xlsx": raw(xlsx_bytes([["单位", "数量"], ["城关镇", 12]]), "application/octet-stream"),
        "/files/scan.pdf": raw(scanned_pdf(), "application/pdf"),
        "/files/report.pdf": raw(text_pdf("Annual report tables 2023"), "application/pdf"),
    }
    for title, date, n in HANWEB_ITEMS:
        body = f"<p>{title}正文内容，现予公布，请认真贯彻执行。本通知自发布之日起施行。</p>"
        extra = ""
        if n == 1:
            extra = ('<p>附件：<a href="/files/a1.pdf">检查表.pdf</a> <a href="/files/a1.docx">检查表.docx</a> '
                     '<a href="/files/a1.xlsx">统计表.xlsx</a></p>')
        elif n == 2:
            body = '<p><img src="/img/p1.png"></p><p><img src="/img/p2.png"></p>'
        elif n == 3:
            body = "<p></p>"
            extra = '<p>附件：<a href="/files/scan.pdf">扫描件.pdf</a></p>'
        elif n == 4:
            extra = (f'<p><a href="/old/missing.html">旧文件</a> <a href="{ext}/gone/">上级文件</a> '
                     f'<a href="{ext}/get-only">外部</a> <a href="#">返回顶部</a></p>')
        elif n == 5:
            extra = '<p>附件：<a href="/files/report.pdf">年度报告.pdf</a></p>'
        meta = (
            '<div class="xxgk-meta"><p><strong>索引号</strong>：113304000/2024-0000{n}</p>'
            "<p><strong>发布机构</strong>：柘水县人民政府办公室</p><p><strong>文号</strong>：柘政办〔2024〕{n}号</p>"
            "<!--<p><strong>成文日期</strong>：2024年01月0{n}日</p>--><p><strong>主题分类</strong>：综合政务</p>"
            "<p><strong>发布日期</strong>：{date}</p></div>"
        ).format(n=n, date=date if n != 6 else "2023-11-28")
        routes[_art_url(n, date)] = html(
            f'<meta name="ArticleTitle" content="{title}"><h1>{title}</h1>{meta}<div id="zoom">{body}{extra}</div>',
            title,
        )
    return routes


def ext_routes() -> dict[str, Any]:
    """The off-site host: one page that refuses HEAD (HEAD-then-GET fallback), one gone page."""

    def get_only(method: str, path: str, query: dict, form: dict) -> tuple:
        if method == "HEAD":
            return 405, {"Content-Type": "text/html"}, b""
        return html("<p>ok</p>")

    return {"/get-only": get_only, "/x/zpxx/": html("<p>招聘</p>")}


GK_TREE = [
    {"id": 10, "name": "通知公告"},
    {"id": 11, "name": "规划计划", "children": [{"id": 12, "name": "年度计划"}]},
]
GK_ARTICLES = {
    "10": [("关于做好防汛工作的通知", 101, 1714521600), ("关于开展消防检查的通知", 102, 1712000000),
           ("关于加强安全管理的通知", 103, 1709000000)],
    "12": [("2024年度工作计划", 201, 1706000000)],
}


def gkmlpt_routes() -> dict[str, Any]:
    conf = json.dumps({"SID": "99", "TREE": GK_TREE}, ensure_ascii=False)
    routes: dict[str, Any] = {
        "/index.html": html('<div class="top"><a href="/gkmlpt/index">政府信息公开</a></div>', "白石县人民政府"),
        "/gkmlpt/index": html(f'<div id="tree"></div><table id="list"></table><script>window._CONFIG = {conf};\n'
                              "var conf = { SID: '99', TYPE: 'all' };</script>", "政府信息公开"),
    }
    for cat, arts in GK_ARTICLES.items():
        def api(method: str, path: str, query: dict, form: dict, arts: list = arts) -> tuple:
            if query.get("sid", [""])[0] != "99":
                return 404, {"Content-Type": "application/json"}, b"{}"
            page = int(query.get("page", ["1"])[0])
            rows = arts[(page - 1) * 2 : page * 2]
            data = {"total": len(arts), "articles": [
                {"id": n, "title": t, "url": f"/gkmlpt/content/0/1/post_{n}.html", "created_at": ts}
                for t, n, ts in rows]}
            return 200, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False).encode()

        routes[f"/gkmlpt/api/all/{cat}"] = api
        for t, n, ts in arts:
            detail = json.dumps({"id": n, "title": t, "identifier": f"007/2024-{n}", "publisher": "白石县政府办",
                                 "date": ts}, ensure_ascii=False)
            routes[f"/gkmlpt/content/0/1/post_{n}.html"] = html(
                f"<div class='article'><h1>{t}</h1><div class='article-content'><p>{t}的正文内容，特此通知。</p></div></div>"
                f"<script>window._CONFIG = {{ SID: '99', DETAIL: {detail} }};\n</script>", t)
    return routes


DYN_ITEMS = [(f"关于第{n}批政策文件的通知", f"2024-0{n}-0{n}", n) for n in range(1, 6)]
TRSAPI_JS = """function listModel(cfg){var m=/[?&]page=(\\d+)/.exec(location.search);var page=m?parseInt(m[1]):1;
if(page<=cfg.maxStaticIndex){return;}
var x=new XMLHttpRequest();x.open('GET','/trsapi/list2?page='+page+'&prepage='+cfg.pagebar.prepage);
x.onload=function(){var d=JSON.parse(x.responseText);var h='';for(var i=0;i<d.list.length;i++){var r=d.list[i];
h+='<li><a href="'+r.url+'" title="'+r.title+'">'+r.title+'</a><span>'+r.date+'</span></li>';}
document.getElementById('list').innerHTML=h;};x.send();}"""


def browser_routes() -> dict[str, Any]:
    """A portal whose lists need the browser: TRS 动静结合 pages ≥2 and a script-filled generic list."""
    nav = ('<div class="nav"><ul><li><a href="/zcwj/index.html">政策文件</a></li>'
           '<li><a href="/dt/index.html">工作动态</a></li><li><a href="/gk/index.html">公告</a></li></ul></div>')
    static = "".join(f'<li><a href="/zcwj/{n}.html" title="{t}">{t}</a><span>{d}</span></li>' for t, d, n in DYN_ITEMS[:2])

    def trsapi(method: str, path: str, query: dict, form: dict) -> tuple:
        page, per = int(query["page"][0]), int(query["prepage"][0])
        rows = [{"title": t, "url": f"/zcwj/{n}.html", "date": d} for t, d, n in DYN_ITEMS[(page - 1) * per : page * per]]
        return 200, {"Content-Type": "application/json"}, json.dumps({"total": 5, "list": rows}, ensure_ascii=False).encode()

    dt_items = [{"title": f"工作动态第{n}条", "url": f"/dt/{n}.html", "date": f"2024-06-0{n}"} for n in range(1, 4)]
    routes: dict[str, Any] = {
        "/index.html": html(nav + "<p>欢迎访问政府信息公开平台</p>", "某市政府信息公开"),
        "/zcwj/index.html": html(
            nav + f'<ul class="list" id="list">{static}</ul><script src="/js/list2.trsapi.js"></script><script>'
            'listModel({ quickMode:"动静结合", maxStaticIndex:1, listArgs:{ channelid: 1 }, '
            "pagebar:{ prepage:2, recordCount:'5', pgCountMode:\"recordCount\" } });</script>", "政策文件"),
        "/js/list2.trsapi.js": raw(TRSAPI_JS.encode(), "application/javascript"),
        "/trsapi/list2": trsapi,
        "/dt/index.html": html(
            nav + '<div class="news-list"><ul id="dtlist"></ul></div><script>fetch("/api/dt.json").then(r => r.json())'
            '.then(d => { document.getElementById("dtlist").innerHTML = d.map(i => `<li><a href="${i.url}">${i.title}'
            "</a><span>${i.date}</span></li>`).join(''); });</script>", "工作动态"),
        "/api/dt.json": raw(json.dumps(dt_items, ensure_ascii=False).encode(), "application/json"),
        "/gk/index.html": html(nav + '<ul class="list"><li><a href="/gk/1.html">静态公告</a><span>2024-02-02</span></li></ul>',
                               "公告"),
    }
    for t, _, n in DYN_ITEMS:
        routes[f"/zcwj/{n}.html"] = html(f"<h1>{t}</h1><div class='content'><p>{t}正文。</p></div>", t)
    return routes


__all__ = ["browser_routes", "ext_routes", "gkmlpt_routes", "hanweb_routes", "quote"]
