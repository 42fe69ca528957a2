"""`make mutation`: mutmut over the rule modules, one module at a time with the test files that cover it.

mutmut reads its settings from the pyproject.toml of the directory it runs in and works in a `mutants/`
copy there, so each module gets its own working directory (.mutation/<module>/, git-ignored): links to
the project, and a pyproject.toml that is ours plus a [tool.mutmut] section naming that one module and its
tests. Keeping one directory per module keeps mutmut's cache per module too: a second run re-tests only
what changed. The modules, their tests, the goal and the equivalent mutants are in [tool.mutation] of
pyproject.toml; docs/mutation.md explains the equivalent mutants.

    python tools/mutation.py [MODULE ...] [--max-children N]

A transitions table is module-level data, which mutmut 3 does not mutate: the modules listed in
[tool.mutation] tables get the hand-made mutants of tools/table_mutants.py instead (one pytest process).

Prints each module's score (killed / (all - equivalent)) and its survivors, and exits 1 when a module is
below the goal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
# What Django needs to start from the mutants/ copy (settings find templates, static and locale next to
# the packages) besides the packages themselves.
SUPPORT = ["manage.py", "templates", "static", "locale"]
DETECTED = {"killed", "timeout", "caught by type check"}
RESULT_LINE = re.compile(r"^\s+(\S+): (.+)$")


@dataclass
class Score:
    module: str
    statuses: dict[str, str] = field(default_factory=dict)
    equivalent: set[str] = field(default_factory=set)

    @property
    def counted(self) -> dict[str, str]:
        return {name: s for name, s in self.statuses.items() if name not in self.equivalent}

    @property
    def killed(self) -> int:
        return sum(1 for s in self.counted.values() if s in DETECTED)

    @property
    def survivors(self) -> list[str]:
        return sorted(name for name, s in self.counted.items() if s not in DETECTED)

    @property
    def percent(self) -> float:
        # A module with no mutant at all has nothing to miss.
        return 100.0 * self.killed / len(self.counted) if self.counted else 100.0


def settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def packages(config: dict) -> list[str]:
    return [p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]]


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def workdir(module: str, tests: list[str], config: dict) -> Path:
    """The module's working directory: links to the project and a pyproject.toml configuring mutmut."""
    work = WORK / module.removesuffix(".py").replace("/", ".")
    work.mkdir(parents=True, exist_ok=True)
    sources = [p for p in packages(config) if (ROOT / p).is_dir()]
    for name in [*sources, *SUPPORT, "tests"]:
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    section = "\n".join(
        [
            "",
            "[tool.mutmut]",
            f"source_paths = {toml_list(sources)}",
            f"only_mutate = {toml_list([module])}",
            f"also_copy = {toml_list(SUPPORT)}",
            f"pytest_add_cli_args_test_selection = {toml_list(tests)}",
            # The project's git history says nothing about the links: compare file hashes instead.
            "use_git_change_detection = false",
            "",
        ]
    )
    text = (ROOT / "pyproject.toml").read_text("utf-8") + section
    target = work / "pyproject.toml"
    if not target.exists() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")
    return work


def mutmut(work: Path, *args: str) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "mutmut"
    return subprocess.run([str(binary), *args], cwd=work, text=True, capture_output=True, env=os.environ)


def mutmut_run(work: Path, module: str, *args: str) -> None:
    run = mutmut(work, "run", *args)
    with (work / "last-run.log").open("a", encoding="utf-8") as log:
        log.write(run.stdout + run.stderr)
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        raise SystemExit(f"{module}: mutmut failed (exit {run.returncode}), see {work / 'last-run.log'}")


def results(work: Path) -> dict[str, str]:
    """Each mutant's status, by mutmut's name."""
    listing = mutmut(work, "results", "--all", "true")
    return {m[1]: m[2].strip() for line in listing.stdout.splitlines() if (m := RESULT_LINE.match(line))}


def run_module(module: str, tests: list[str], config: dict, max_children: int) -> Score | None:
    present = [t for t in tests if (ROOT / t).exists()]
    missing = sorted(set(tests) - set(present))
    if missing:
        print(f"{module}: test files not there yet, left out: {', '.join(missing)}")
    if not (ROOT / module).exists() or not present:
        print(f"{module}: no module or no test file, skipped")
        return None
    work = workdir(module, present, config)
    (work / "last-run.log").unlink(missing_ok=True)
    print(f"{module}: mutmut in {work.relative_to(ROOT)} with {' '.join(present)}", flush=True)
    equivalent = set(config["tool"]["mutation"].get("equivalent", {}).get(module, []))
    mutmut_run(work, module, "--max-children", str(max_children))
    statuses = results(work)
    # mutmut keeps a survivor's verdict while its function is unchanged, even when tests were added since:
    # re-test the survivors (not the known equivalent ones) against the tests as they are now.
    again = sorted(n for n, s in statuses.items() if s not in DETECTED and n not in equivalent)
    if again:
        mutmut_run(work, module, "--max-children", str(max_children), *again)
        statuses = results(work)
    score = Score(module=module, statuses=statuses, equivalent=equivalent)
    stale = sorted(name for name in score.equivalent if score.statuses.get(name, "killed") in DETECTED)
    if stale:
        print(f"{module}: listed as equivalent but killed or gone (review the list): {', '.join(stale)}")
    return score


def run_table(module: str, tests: list[str], config: dict, max_children: int) -> Score | None:
    """Every hand-made mutant of the module's transitions tables against the module's tests, in one pytest
    process (tools/table_mutants.py)."""
    present = [t for t in tests if (ROOT / t).exists()]
    if not (ROOT / module).exists() or not present:
        print(f"{module}: no module or no test file, skipped")
        return None
    work = WORK / module.removesuffix(".py").replace("/", ".")
    work.mkdir(parents=True, exist_ok=True)
    report = work / "table-mutants.json"
    report.unlink(missing_ok=True)
    print(f"{module}: table mutants with {' '.join(present)}", flush=True)
    env = {
        **os.environ,
        "MUTATION_TABLE": module.removesuffix(".py").replace("/", "."),
        "MUTATION_TABLE_REPORT": str(report),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "tools.table_mutants",
        *present,
    ]
    run = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)
    (work / "last-run.log").write_text(run.stdout + run.stderr, "utf-8")
    if not report.exists():
        raise SystemExit(f"{module}: the table mutants did not run, see {work / 'last-run.log'}")
    result = json.loads(report.read_text("utf-8"))
    if not result["clean"]:
        raise SystemExit(f"{module}: its tests fail without any mutant, see {work / 'last-run.log'}")
    equivalent = set(config["tool"]["mutation"].get("equivalent", {}).get(module, []))
    statuses = result["statuses"]
    stale = sorted(name for name in equivalent if statuses.get(name, "killed") in DETECTED)
    if stale:
        print(f"{module}: listed as equivalent but killed or gone (review the list): {', '.join(stale)}")
    return Score(module=module, statuses=statuses, equivalent=equivalent & set(statuses))


def main(argv: list[str] | None = None) -> int:
    config = settings()
    options = config["tool"]["mutation"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: [tool.mutation] default)")
    parser.add_argument("--max-children", type=int, default=1)
    args = parser.parse_args(argv)
    modules = args.modules or options["default"]
    unknown = [m for m in modules if m not in options["modules"]]
    if unknown:
        parser.error(f"no test selection in [tool.mutation.modules] for: {', '.join(unknown)}")
    tables = set(options.get("tables", []))
    scores = []
    for module in modules:
        run = run_table if module in tables else run_module
        score = run(module, options["modules"][module], config, args.max_children)
        if score is not None:
            scores.append(score)
    goal = float(options["goal"])
    print("\n(a mutmut survivor's diff: cd .mutation/<module> && mutmut show <name>)")
    print(f"\n{'module':<28} {'killed':>6} {'total':>6} {'equiv':>6} {'score':>7}")
    for s in scores:
        print(f"{s.module:<28} {s.killed:>6} {len(s.statuses):>6} {len(s.equivalent):>6} {s.percent:>6.1f}%")
        for name in s.survivors:
            print(f"    {s.statuses[name]}: {name}")
    below = [s.module for s in scores if s.percent < goal]
    if below:
        print(f"\nbelow the goal of {goal:.0f}%: {', '.join(below)}")
        return 1
    print(f"\nall at or above the goal of {goal:.0f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
