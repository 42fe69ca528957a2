"""Generates benchmark data: a division table (统计用区划代码 shape) and a people/posts sheet.

    python bench/generate.py --scale county --out /tmp/bench-county
    python bench/generate.py --scale city --out /tmp/bench-city
    python bench/generate.py --province --out /tmp/bench-province

Scales (codes are invented, in the NBS 12-digit shape: county 6 significant digits,
township 9, village 12; townships numbered 101+, villages 201+ within their township):

* county: one county (419901000000), 20 townships, 400 villages;
* city: one city (419900000000), 4 counties, 15 townships each, 1,500 villages;
* --province: ``province.csv`` only, 55,000 rows (1 province, 10 cities, 100 counties,
  2,500 townships, 52,389 villages), for the import-time measurement.

``people.csv`` (用户名,姓名,手机号,职务,区划代码,任职日期) holds, for every village, a party
secretary (村党组织书记) and a committee member (村两委成员); for every township an
organisation officer (乡镇组织委员); for every county a 县委组织部 post. Usernames and
mobiles (11 digits, starting 13) are unique. Names reuse the pieces of ``regions.demo``.

Duty shifts and proxy requests need the imported villages and people, so they are created in the
database afterwards by ``bench/activity.py`` (called by ``bench/run.py``).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regions.demo import SURNAMES, TOWNSHIP_STEMS, VILLAGE_SUFFIXES, person_name  # noqa: E402

CITY_CODE = "419900000000"
CITY_NAME = "青禾市"
FIRST_COUNTY_CODE = "419901000000"
COUNTY_STEMS = ["青禾", "柳河", "石桥", "杏花", "东岗", "南湖", "北坡", "白云", "金堤", "安乐"]
# Prefixes that make township names unique once the 18 stems are used up.
TOWNSHIP_PREFIXES = ["", "新", "上", "下", "东", "西", "南", "北", "前", "后", "大", "小"]
CITY_STEMS = ["青禾", "柳河", "石桥", "杏花", "东岗", "南湖", "北坡", "白云", "金堤", "安乐", "清泉", "红旗"]
START_DATE = "2024-03-01"

SECRETARY = "村党组织书记"
COMMITTEE = "村两委成员"
TOWNSHIP_OFFICER = "乡镇组织委员"
COUNTY_ORG = "县委组织部"


@dataclass(frozen=True)
class Scale:
    counties: int
    townships_per_county: int
    villages_per_township: int
    with_city: bool


SCALES = {
    "county": Scale(counties=1, townships_per_county=20, villages_per_township=20, with_city=False),
    "city": Scale(counties=4, townships_per_county=15, villages_per_township=25, with_city=True),
}


def township_name(index: int) -> str:
    """A unique township name for the 0-based ``index`` within a county, e.g. 青禾镇, 新柳河乡."""
    stem = TOWNSHIP_STEMS[index % len(TOWNSHIP_STEMS)]
    prefix = TOWNSHIP_PREFIXES[(index // len(TOWNSHIP_STEMS)) % len(TOWNSHIP_PREFIXES)]
    kind = "镇" if (index + 1) % 3 else "乡"
    return f"{prefix}{stem}{kind}"


def village_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct village names (surname + suffix, e.g. 王庄村); at most 480 possible."""
    pool = [s + v for s in SURNAMES for v in VILLAGE_SUFFIXES]
    return rng.sample(pool, count)


def county_rows(
    rng: random.Random, county_code: str, county_name: str, townships: int, villages: int | list[int]
) -> list[tuple[str, str]]:
    """The county, its townships (101, 102, ...) and their villages (201, 202, ...)."""
    rows = [(county_code, county_name)]
    county = county_code[:6]
    for t in range(townships):
        township = f"{county}{101 + t:03d}"
        rows.append((township + "000", township_name(t)))
        n = villages[t] if isinstance(villages, list) else villages
        for v, name in enumerate(village_names(rng, n)):
            rows.append((f"{township}{201 + v:03d}", name))
    return rows


def division_rows(scale: Scale, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    if scale.with_city:
        rows.append((CITY_CODE, CITY_NAME))
    for c in range(scale.counties):
        code = f"{int(FIRST_COUNTY_CODE[:6]) + c:06d}000000"
        name = f"{COUNTY_STEMS[c % len(COUNTY_STEMS)]}县"
        rows.extend(county_rows(rng, code, name, scale.townships_per_county, scale.villages_per_township))
    return rows


def province_rows(
    seed: int = 11,
    total: int = 55_000,
    cities: int = 10,
    counties_per_city: int = 10,
    townships_per_county: int = 25,
) -> list[tuple[str, str]]:
    """Exactly ``total`` rows: 1 province, its cities, counties, townships, and villages for the rest."""
    rng = random.Random(seed)
    townships = cities * counties_per_city * townships_per_county
    villages = total - 1 - cities - cities * counties_per_city - townships
    base, extra = divmod(villages, townships)  # the first ``extra`` townships get one more village
    rows = [("490000000000", "豫禾省")]
    t_index = 0
    for c in range(cities):
        city = f"49{c + 1:02d}"
        rows.append((city + "00000000", f"{CITY_STEMS[c % len(CITY_STEMS)]}市"))
        for k in range(counties_per_city):
            county_code = f"{city}{k + 1:02d}000000"
            county_name = f"{COUNTY_STEMS[k % len(COUNTY_STEMS)]}{'县' if k % 4 else '区'}"
            counts = []
            for _ in range(townships_per_county):
                counts.append(base + (1 if t_index < extra else 0))
                t_index += 1
            rows.extend(county_rows(rng, county_code, county_name, townships_per_county, counts))
    assert len(rows) == total, len(rows)
    return rows


def people_rows(divisions: list[tuple[str, str]], seed: int = 3) -> list[tuple[str, ...]]:
    """用户名,姓名,手机号,职务,区划代码,任职日期 rows for every county, township and village."""
    rng = random.Random(seed)
    rows = []
    mobile = 13_000_000_000

    def add(username: str, role: str, code: str) -> None:
        nonlocal mobile
        mobile += 1
        rows.append((username, person_name(rng), str(mobile), role, code, START_DATE))

    for code, _name in divisions:
        if code[2:] == "0" * 10 or code[4:] == "0" * 8:
            continue  # province or city: no post
        if code[6:] == "0" * 6:
            add(f"county{code[:6]}", COUNTY_ORG, code)
        elif code[9:] == "000":
            add(f"town{code[:9]}", TOWNSHIP_OFFICER, code)
        else:
            add(f"sec{code}", SECRETARY, code)
            add(f"cwh{code}", COMMITTEE, code)
    return rows


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def generate(scale: str, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    divisions = division_rows(SCALES[scale])
    people = people_rows(divisions)
    write_csv(out / "divisions.csv", ("code", "name"), divisions)
    write_csv(out / "people.csv", ("用户名", "姓名", "手机号", "职务", "区划代码", "任职日期"), people)
    return {
        "divisions": len(divisions),
        "people": len(people),
        "villages": sum(1 for code, _ in divisions if code[9:] != "000"),
    }


def generate_province(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rows = province_rows()
    write_csv(out / "province.csv", ("code", "name"), rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), help="divisions.csv + people.csv at this scale")
    parser.add_argument("--province", action="store_true", help="also write province.csv (55,000 rows)")
    parser.add_argument("--out", required=True, type=Path, help="output directory (keep it out of the repo)")
    args = parser.parse_args(argv)
    if not args.scale and not args.province:
        parser.error("give --scale and/or --province")
    if args.scale:
        counts = generate(args.scale, args.out)
        print(
            f"{args.scale}: {counts['divisions']} divisions ({counts['villages']} villages), "
            f"{counts['people']} people -> {args.out}"
        )
    if args.province:
        print(f"province: {generate_province(args.out)} divisions -> {args.out / 'province.csv'}")


if __name__ == "__main__":
    main()
