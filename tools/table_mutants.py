"""Hand-made mutants of the transitions tables, which mutmut 3 cannot make (it mutates code inside functions
only, and a table is a module-level list of core.workflow.Transition rows).

Each mutant changes one thing in one row of one Workflow of the module: a source state left out or added,
another target state, needs_reason, public or offer flipped, the ``when`` condition dropped. The pytest
plugin (``-p tools.table_mutants``, with MUTATION_TABLE=<module> and MUTATION_TABLE_REPORT=<file>) runs
the collected tests once per mutant in the one pytest process (starting Django and the database once),
applying the mutant in place and stopping at its first failing test, and writes each mutant's status
(killed, or survived when every test passed) to the report as JSON.

    python tools/table_mutants.py centers.workflows     # lists the module's mutants (needs Django)
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ENV = "MUTATION_TABLE"
REPORT = "MUTATION_TABLE_REPORT"


def _workflows(module) -> list[tuple[str, object]]:
    from core.workflow import Workflow

    return [(name, value) for name, value in vars(module).items() if isinstance(value, Workflow)]


def _variants(transition, states: list[str]) -> Iterator[tuple[str, object]]:
    replace = dataclasses.replace
    sources = tuple(transition.sources)
    for state in sources:
        yield f"without source {state}", replace(transition, sources=tuple(s for s in sources if s != state))
    for state in states:
        if state not in sources:
            yield f"also from {state}", replace(transition, sources=(*sources, state))
    if isinstance(transition.target, dict):
        for source, target in transition.target.items():
            for state in states:
                if state != target:
                    changed = {**transition.target, source: state}
                    yield f"{source} leads to {state}", replace(transition, target=changed)
    else:
        for state in [None, *states]:
            if state != transition.target:
                yield f"target {state}", replace(transition, target=state)
    for flag in ("needs_reason", "public", "offer"):
        yield (
            f"{flag} {not getattr(transition, flag)}",
            replace(transition, **{flag: not getattr(transition, flag)}),
        )
    if transition.when is not None:
        yield "without its condition", replace(transition, when=None)


def mutants(module_name: str) -> list[tuple[str, object, str, object]]:
    """(description, workflow, transition name, mutated transition), in a stable order."""
    module = importlib.import_module(module_name)
    found = []
    for var, workflow in _workflows(module):
        states = [value for value, _ in workflow.model._meta.get_field(workflow.state_field).choices]
        for name, transition in workflow.transitions.items():
            for what, mutated in _variants(transition, states):
                found.append((f"{var}[{name}]: {what}", workflow, name, mutated))
    return found


def _killed(session) -> bool:
    """Runs the collected tests in order until one fails (module fixtures stay up between mutants)."""
    from _pytest.runner import runtestprotocol

    items = session.items
    for i, item in enumerate(items):
        reports = runtestprotocol(item, nextitem=items[i + 1] if i + 1 < len(items) else items[0], log=False)
        if any(report.failed for report in reports):
            return True
    return False


def pytest_runtestloop(session):
    module_name = os.environ.get(ENV)
    if not module_name or session.config.option.collectonly:
        return None
    from _pytest.runner import runtestprotocol

    statuses = {}
    for what, workflow, name, mutated in mutants(module_name):
        original = workflow.transitions[name]
        workflow.transitions[name] = mutated
        try:
            statuses[what] = "killed" if _killed(session) else "survived"
        finally:
            workflow.transitions[name] = original
    # The unmutated table must pass, or every "killed" above means nothing.
    clean = not _killed(session)
    runtestprotocol(session.items[0], nextitem=None, log=False)  # tears the fixtures down
    Path(os.environ[REPORT]).write_text(json.dumps({"clean": clean, "statuses": statuses}), "utf-8")
    return True


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    for index, (what, *_) in enumerate(mutants(argv[0])):
        print(f"{index}\t{what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
