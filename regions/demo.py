"""A generated demo county: a division table invented here (not copied from any official table)."""

from __future__ import annotations

import random

TOWNSHIP_STEMS = [
    "青禾",
    "柳河",
    "石桥",
    "杏花",
    "东岗",
    "南湖",
    "北坡",
    "白云",
    "金堤",
    "安乐",
    "清泉",
    "红旗",
    "永兴",
    "丰收",
    "槐树",
    "梨园",
    "新集",
    "太平",
]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "胡",
    "朱",
    "高",
    "林",
    "何",
    "郭",
    "马",
    "罗",
    "梁",
    "宋",
    "郑",
    "谢",
    "韩",
    "唐",
    "冯",
    "于",
    "董",
    "萧",
    "程",
    "曹",
    "袁",
    "邓",
    "许",
    "傅",
    "沈",
    "曾",
    "彭",
    "吕",
]
VILLAGE_SUFFIXES = [
    "庄村",
    "楼村",
    "营村",
    "寨村",
    "屯村",
    "岗村",
    "集村",
    "桥村",
    "湾村",
    "店村",
    "洼村",
    "堂村",
]
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽娟",
    "国华",
    "海燕",
    "文明",
    "春梅",
    "红军",
    "桂兰",
    "德胜",
    "小红",
    "振华",
    "玉兰",
    "明亮",
    "淑珍",
    "卫东",
    "凤英",
    "永刚",
    "晓燕",
]

COUNTY_CODE = "419901000000"
COUNTY_NAME = "青禾县"


def division_table(
    townships: int = 14,
    villages_per_township: tuple[int, int] = (14, 18),
    county_code: str = COUNTY_CODE,
    county_name: str = COUNTY_NAME,
    seed: int = 7,
) -> list[tuple[str, str]]:
    """(code, name) rows: the county, its townships (乡/镇) and their villages, codes in NBS shape."""
    rng = random.Random(seed)
    rows = [(county_code, county_name)]
    county = county_code[:6]
    stems = (TOWNSHIP_STEMS * ((townships // len(TOWNSHIP_STEMS)) + 1))[:townships]
    for t, stem in enumerate(stems, start=1):
        kind = "镇" if t % 3 else "乡"
        suffix = "" if t <= len(TOWNSHIP_STEMS) else str(t // len(TOWNSHIP_STEMS))
        township_code = f"{county}{100 + t:03d}"
        rows.append((township_code + "000", f"{stem}{suffix}{kind}"))
        used = set()
        for v in range(1, rng.randint(*villages_per_township) + 1):
            while True:
                name = rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIXES)
                if name not in used:
                    used.add(name)
                    break
            rows.append((f"{township_code}{200 + v:03d}", name))
    return rows


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)
