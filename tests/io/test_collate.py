"""Name order of posted lists: 姓氏笔画 (Unihan stroke counts) and pinyin."""

from __future__ import annotations

from kgrota.io.collate import UNKNOWN, pinyin_key, stroke_key, strokes


def test_stroke_table_covers_the_common_characters() -> None:
    table = strokes()
    assert len(table) > 27_000  # CJK Unified Ideographs and Extension A
    assert [table[c] for c in "丁王方张李欧赵"] == [2, 4, 4, 7, 7, 8, 9]


def test_names_sort_by_surname_strokes_then_given_name() -> None:
    names = ["赵敏", "王小明", "丁一", "欧阳娜娜", "张伟", "王大明", "方芳", "Mary"]
    assert sorted(names, key=stroke_key) == [
        "丁一",  # 2 strokes
        "方芳",  # 4, then by character (方 before 王)
        "王大明",  # 王 together, 大 (3) before 小
        "王小明",
        "张伟",  # 7
        "欧阳娜娜",  # 8
        "赵敏",  # 9
        "Mary",  # no stroke count: last
    ]
    assert stroke_key("M")[0][0] == UNKNOWN


def test_names_sort_by_pinyin() -> None:
    names = ["赵敏", "王小明", "欧阳娜娜", "安然"]
    assert sorted(names, key=pinyin_key) == ["安然", "欧阳娜娜", "王小明", "赵敏"]
    assert stroke_key(" 王小明 ") == stroke_key("王小明")  # stray spaces do not count
