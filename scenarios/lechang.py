"""Lechang: the two pilot tight groups of seed 000, with synthetic members, as data.

Source: 乐昌市学前教育集团化办园实施方案（试行） (seed 000) 三(一): "2023年秋季学期，我市将试点
组建乐昌市金鸡学前教育集团和乐昌市梅花镇学前教育集团（成员名单见附件）". The 附件 (member list) is
not in the seed, so the members are synthetic, shaped by the same clause:

- the 总园 is a 优质公办幼儿园 (示范, 5); the 分园 are 乡镇中心幼儿园 taken in under the same legal
  person ("优质公办幼儿园为集团总园+N个乡镇中心幼儿园为集团分园"), named "<总园>X分园" after the town
  (乐昌's towns, e.g. 北乡镇, 廊田镇), public, tiers 一级 / 二级 / 新建 as in seed 001's spread;
- the 加盟园 are local 民办 kindergartens ("吸纳辖区内民办幼儿园为加盟园"), 二级 or 三级.

金鸡 is the larger group (总园 in the city, 乐城街道, four branches, two affiliates); 梅花 is the
smaller one (the 梅花镇 central kindergarten as 总园, two branches in neighbouring towns, one
affiliate). `kgrota.model.generate.lechang_roster` adds seeded classes, teachers and history.
"""

from __future__ import annotations

SOURCE = "000 三(一): 乐昌市金鸡学前教育集团, 乐昌市梅花镇学前教育集团 (members synthetic)"

# group → rows of (name, role 总园/分园/加盟园, ownership 公办/民办, tier 5..1, town)
GROUPS: dict[str, tuple[tuple[str, str, str, int, str], ...]] = {
    "乐昌市金鸡学前教育集团": (
        ("乐昌市金鸡幼儿园", "总园", "公办", 5, "乐城街道"),
        ("乐昌市金鸡幼儿园北乡分园", "分园", "公办", 4, "北乡镇"),
        ("乐昌市金鸡幼儿园廊田分园", "分园", "公办", 3, "廊田镇"),
        ("乐昌市金鸡幼儿园长来分园", "分园", "公办", 3, "长来镇"),
        ("乐昌市金鸡幼儿园九峰分园", "分园", "公办", 1, "九峰镇"),
        ("乐昌市启智幼儿园", "加盟园", "民办", 3, "乐城街道"),
        ("乐昌市童乐幼儿园", "加盟园", "民办", 2, "北乡镇"),
    ),
    "乐昌市梅花镇学前教育集团": (
        ("乐昌市梅花镇中心幼儿园", "总园", "公办", 5, "梅花镇"),
        ("乐昌市梅花镇中心幼儿园大源分园", "分园", "公办", 3, "大源镇"),
        ("乐昌市梅花镇中心幼儿园秀水分园", "分园", "公办", 1, "秀水镇"),
        ("乐昌市梅花镇贝贝幼儿园", "加盟园", "民办", 2, "梅花镇"),
    ),
}
