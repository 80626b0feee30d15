"""Qingtongxia: the three kindergarten alliances (联盟化合作体) of seed 002 plan 4, as data.

Source: 青铜峡市 集团化办学方案 (seed 002, 幼儿园集团化办园工作方案4), 四(二) "组建10个教育联盟化
合作体", items 1–3: each names a 牵头幼儿园 and its 成员单位. Names and their order are as
printed; group names are the printed headings. `kgrota.model.generate.qingtongxia_roster`
builds the roster from this table with seeded synthetic classes, teachers and history.

The plan prints no tiers and no ownership; `classify` decides them by one rule:

- 牵头幼儿园 → 公办, 示范 (5): the alliance is built around an 优质品牌学校 (四 "以区域内优质
  品牌学校为龙头").
- a name with 中心 (乡镇中心幼儿园) → 公办, 一级 (4): a town's central kindergarten is its public
  flagship.
- a name whose stem is a village or work unit for which plan 4 also lists a public school
  (`PUBLIC_STEMS`: 同进小学, 同富小学, 同兴小学, 同乐小学, 大坝电厂学校) → 公办, 二级 (3).
- any other name is a brand (小博士, 英伦, 金太阳, 好孩子 …) or a housing estate (金域水岸,
  韵欣苑 …) → 民办, 三级 (2).

Deviations from the printed plan:

- The 第一 and 第二幼儿园 also head 集团化共同体 with 分园 (四(一)1–2: 学府/康乐, 南苑/建民), one
  legal person with their 本部. A kindergarten belongs to one group here, so each 共同体's 分园
  join their 本部's alliance as branches (分园, `BRANCHES`): they exchange with the 本部 like
  the members do, and their cadres trade places with it too (四(一)5 干部交流和走校轮岗).
  A 分园 is new (高起点建设): 一级 (4), 公办.
- Every 成员单位 is a member (成员园), 民办 ones included: plan 4 四(二)11 gives all members the
  same 互派 exchanges, so none is reduced to an affiliate.
"""

from __future__ import annotations

SOURCE = "002 plan 4 四(二)1–3: 青铜峡市 幼儿园教育联盟化合作体 (牵头幼儿园, 成员单位)"

# alliance → (牵头幼儿园, 成员单位 in printed order)
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "青铜峡市第一幼儿园教育联盟化合作体": (
        "第一幼儿园",
        (
            "同进幼儿园", "同富幼儿园", "陈袁滩启明星幼儿园", "龙海幼儿园", "小博士华谷幼儿园",
            "世家幼儿园", "小博士幼儿园", "英伦幼儿园", "乐乐幼儿园",
        ),
    ),
    "青铜峡市第二幼儿园教育集团联盟化合作体": (
        "第二幼儿园",
        (
            "青铜峡镇中心幼儿园", "甘城子中心幼儿园", "同兴幼儿园", "峡口中心幼儿园", "连心幼儿园",
            "瞿靖中心幼儿园", "蓝天幼儿园", "金域水岸幼儿园", "金太阳幼儿园",
        ),
    ),
    "青铜峡市第三幼儿园教育集团联盟化合作体": (
        "第三幼儿园",
        (
            "大电幼儿园", "启星幼儿园", "韵欣苑幼儿园", "七彩幼儿园", "叶盛中心幼儿园",
            "邵岗好孩子幼儿园", "阳光幼儿园", "圣花幼儿园", "同乐幼儿园", "小太阳幼儿园",
            "惠泽苑幼儿园",
        ),
    ),
}  # fmt: skip

# 四(一)1–2: the 集团化共同体's 分园, by 本部 (牵头幼儿园).
BRANCHES: dict[str, tuple[str, ...]] = {
    "第一幼儿园": ("第一幼儿园学府分园", "第一幼儿园康乐分园"),
    "第二幼儿园": ("第二幼儿园南苑分园", "第二幼儿园建民分园"),
}

# Villages and units with a public school in plan 4 四(二)4–9 (大电 = 大坝电厂, 大坝电厂学校).
PUBLIC_STEMS: tuple[str, ...] = ("同进", "同富", "同兴", "同乐", "大电")


def classify(name: str, lead: bool) -> tuple[int, str]:
    """Tier (5..1) and ownership (公办 / 民办) of one kindergarten, by the rule above."""
    if lead:
        return 5, "公办"
    if "分园" in name:
        return 4, "公办"
    if "中心" in name:
        return 4, "公办"
    if name.startswith(PUBLIC_STEMS):
        return 3, "公办"
    return 2, "民办"
