"""Short excerpts of real published 政府信息公开工作年度报告, as test data (third-party text, sources noted).

Each is kept as the page gave it except where noted; `inline()` turns an excerpt into the shape of a
plain-text dump, where headings run on after the previous paragraph and table cells become runs.
"""

from __future__ import annotations

import re

# 深圳市龙岗区 report for 2024 (2021 format), https://www.lg.gov.cn/xxgk/xxgknb/qzfgzbm/content/post_11956962.html
# — the opening, table 二 and the first rows of table 三 as a text copy with cells separated by " | ".
LONGGANG_2024 = """\
一、总体情况
本年报根据《中华人民共和国政府信息公开条例》(下称《条例》)要求编制,由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况以及其他需要报告的事项组成。本报告所列数据的统计期限为2024年1月1日至2024年12月31日。
二、主动公开政府信息情况
第二十条第(一)项 |
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
行政规范性文件 | 5 | 1 | 25 |
第二十条第(五)项 |
信息内容 | 本年处理决定数量 |
行政许可 | 0 |
第二十条第(六)项 |
信息内容 | 本年处理决定数量 |
行政处罚 | 0 |
行政强制 | 0 |
第二十条第(八)项 |
信息内容 | 本年收费金额(单位:万元) |
行政事业性收费 | 0 |
三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |
自然人 | 法人或其他组织 | 总计 |
商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 |
一、本年新收政府信息公开申请数量 | 58 | 7 | 0 | 0 | 1 | 0 | 66 |
二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
三、本年度办理结果 | (一)予以公开 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |
"""

# 五常市民意乡 report for 2021 (2021 format; a township), from a stored public page of the
# 哈尔滨市 portal (wcsxxgk.harbin.gov.cn, address of the report page not recorded): opening and headings.
MINYI_2021 = """\
五常市民意乡
2021年政府信息公开工作年度报告
依据《中华人民共和国政府信息公开条例》(国务院令第711号)、《国务院办公厅政府信息与政务公开办公室关于印发中华人民共和国政府信息公开工作年度报告格式的通知》(国办公开办函〔2021〕30号)和省、市有关政府信息公开工作的部署要求编制此报告。报告所列数据统计期限为2021年1月1日起至2021年12月31日止。
一、总体情况
(一)主动公开方面。按要求在政府网站公开政府信息,对并群众关注度高的信息及时更新内容。
(二)依申请公开方面。2021年度,民意乡未收到和处理政府信息公开申请,零报告。
二、主动公开政府信息的情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
由于专人负责政府信息公开工作人员较少,存在信息公开不够及时的问题。
"""

# 雄县 (a township's report for 2019, 2019 trial format), http://www.xiongxian.gov.cn/zwgkcontent-888888040-56270.html
# — the labels of tables 二, 三 and 四 one per line, as the page's text gives them (the rows （一）–（五） of
# table 三 left out here for brevity).
XIONGXIAN_2019 = """\
一、总体情况
2019年,我乡明确专人负责政务内网及政务公开工作,以服务群众、贴近群众为着力点,较好地完成了政府网和政务信息公开、编制报送信息等工作。
二、主动公开政府信息情况
第二十条第(一)项
信息内容
本年新制作数量
本年新公开数量
对外公开总数量
规章
0
规范性文件
第二十条第(五)项
上一年项目数量
本年增/减
处理决定数量
行政许可
其他对外管理服务事项
第二十条第(六)项
行政处罚
行政强制
第二十条第(八)项
行政事业性收费
第二十条第(九)项
采购项目数量
采购总金额
政府集中采购
三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)
申请人情况
自然人
法人或其他组织
总计
一、本年新收政府信息公开申请数量
二、上年结转政府信息公开申请数量
三、本年度办理结果
(六)其他处理
(七)总计
四、结转下年度继续办理
四、政府信息公开行政复议、行政诉讼情况
行政复议
行政诉讼
结果维持
结果纠正
其他结果
尚未审结
未经复议直接起诉
复议后起诉
"""

# 洱源县政务服务管理局 report for 2020 (2019 trial format), http://www.eryuan.gov.cn/eyxrmzf/c104973/202102/
# 7184e644d2c74d64a36838e538715f81.shtml — page head (发布时间) and the 第二十条第（九）项 rows.
ERYUAN_2020 = """\
洱源县政务服务管理局2020年政府信息公开工作年度报告
发布时间:2021-01-31 浏览次数:
一、总体情况
(一)严格执行公文(信息)公开属性界定
二、主动公开政府信息情况
第二十条第(九)项
信息内容
采购项目数量
采购总金额
政府集中采购
53
6944.93
三、收到和处理政府信息公开申请情况
"""


def inline(text: str) -> str:
    """The text as a plain-text dump gives it: every line run on after the previous one (no line starts a
    heading) and table cells closed up into runs of digits (`行政规范性文件 | 5 | 1 | 25` → `行政规范性文件5125`)."""
    flat = re.sub(r"\s*\|\s*", "", text)
    return " ".join(ln.strip() for ln in flat.splitlines() if ln.strip())
