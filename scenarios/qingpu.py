"""Qingpu 2023: the seven loose "1+X" groups of seed 001's member table, as data.

Source: 青教〔2023〕61号 附件, "2023 青浦区学前教育集团成员校一览表". Each group lists its
kindergartens (short names as printed) by column: 牵头园, 一级园, 二级园, 新建园. Tiers follow
SPEC §1: a 牵头园 is a 市示范园 (5), 一级 4, 二级 3, 新建 1. `kgrota.model.generate.qingpu_roster`
builds the roster from this table with seeded synthetic classes and teachers.

Deviations from the printed table, all in names only:

- 徐泾学前教育联盟 prints 学前教育附属实验 both as 牵头园 and among the 新建园. The lead is
  the existing 示范 kindergarten; the 新建 entry is a separate new kindergarten (a new site
  of the same brand), named 学前教育附属实验新园 here so that names stay distinct.
- "(民办)" markers are dropped from the names and recorded in `PRIVATE` (ownership 民办).
- 新华 is printed as "新华（暂定名）" (provisional name); the marker is dropped.
"""

from __future__ import annotations

SOURCE = "001 附件: 2023 青浦区学前教育集团成员校一览表 (青教〔2023〕61号)"

# Table columns in order, with the tier each stands for.
COLUMNS: tuple[tuple[str, int], ...] = (("牵头园", 5), ("一级园", 4), ("二级园", 3), ("新建园", 1))

# group → one tuple of short names per column of `COLUMNS`.
GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "佳佳学前教育集团": (
        ("佳佳",),
        ("盈星", "赵巷"),
        ("赵屯", "沈巷", "新青浦", "嵩华", "香花桥"),
        ("鹿鸣",),
    ),
    "秀泉学前教育集团": (
        ("秀泉",),
        ("豫苗", "商榻", "御澜湾"),
        ("橙黄橘绿", "秀涓", "凤雅", "忆华里", "奇星", "协和"),
        (),
    ),
    "实验学前教育集团": (
        ("实验",),
        ("帕蒂欧香", "华新"),
        ("红珊瑚", "东方", "蒸淀", "金泽", "之华"),
        ("实验蟠文",),
    ),
    "朵朵学前教育集团": (
        ("朵朵",),
        ("夏雨", "大盈"),
        ("白鹤", "白鹤第二", "庆华", "阳阳", "小蒸", "平和"),
        (),
    ),
    "朱家角学前教育集团": (
        ("朱家角",),
        ("贝贝", "甜甜乐", "凤溪"),
        ("朱家角第二", "新霞", "凤音", "练塘", "清河湾"),
        ("新华",),
    ),
    "毓秀学前教育集团": (
        ("毓秀",),
        ("毓秀第二", "晨星", "崧润"),
        ("思源", "淀山湖", "泰安", "重固"),
        (),
    ),
    "徐泾学前教育联盟": (
        ("学前教育附属实验",),
        ("徐泾", "尚鸿"),
        ("尚泰", "徐和路", "徐泾第二", "徐泾第三", "世外", "爱菊"),
        ("学前教育附属实验新园", "附属第二实验", "童翼"),
    ),
}

# Marked "(民办)" in the table: privately run members (ownership 民办).
PRIVATE: frozenset[str] = frozenset({"协和", "平和", "世外", "爱菊"})
