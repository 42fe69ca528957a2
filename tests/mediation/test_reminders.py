"""The daily mediation reminders (DOMAIN_RULES B.1.4): yellow from the county's warning days before a due
date through the due day, red from the day after; once per (case, kind, due date, recipient); the
mediators and the village secretary, and the township's 司法所 when red or when the township handles it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediation import services as ms
from mediation.kinds import MediationReminder
from mediation.models import Application, Dispute, EscalationReason, Level, MediationRules
from mediation.services.reminders import mediation_reminders_send
from mediation.tasks import mediation_reminders_send as mediation_reminders_send_task
from notifications.models import Notification, Reminder
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.builders import mediator_of, register

pytestmark = pytest.mark.django_db

WARN = MediationRules().warn_days


@pytest.fixture
def justice(world):
    return make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a, real_name="司法所王")


def mediating_case(world, **overrides) -> Dispute:
    """A case of village a1 accepted today, its lead mediator a village mediator with an account."""
    clerk = world.village_a1_clerk
    dispute = register(world, **overrides)
    dispute = ms.dispute_accept(
        actor=clerk, dispute=dispute, version=dispute.version, application=Application.ORAL
    )
    return ms.mediators_assign(
        actor=clerk,
        dispute=dispute,
        version=dispute.version,
        mediators=[ms.MediatorInput(name="", user=mediator_of(world), is_lead=True)],
    )


def sent(dispute: Dispute) -> set[tuple[str, str]]:
    return set(Reminder.objects.filter(object_id=dispute.pk).values_list("kind", "recipient__username"))


def test_the_mediation_clock_is_yellow_from_the_warning_days_and_red_the_day_after(world, justice):
    dispute = mediating_case(world)
    mediator = mediator_of(world)
    due = dispute.due_on
    # The day before the yellow window: nothing.
    assert mediation_reminders_send(today=due - dt.timedelta(days=WARN + 1)) == 0
    assert sent(dispute) == set()
    # The first yellow day: once, to the mediator and the village secretary (not yet the 司法所).
    assert mediation_reminders_send(today=due - dt.timedelta(days=WARN)) == 2
    yellow = MediationReminder.MEDIATION_DUE_SOON
    assert sent(dispute) == {(yellow, mediator.username), (yellow, "village_a1_clerk")}
    # Later yellow days and the due day itself send nothing new.
    assert mediation_reminders_send(today=due - dt.timedelta(days=1)) == 0
    assert mediation_reminders_send(today=due) == 0
    # The day after: red to the mediator, the secretary and the township's 司法所.
    assert mediation_reminders_send(today=due + dt.timedelta(days=1)) == 3
    red = MediationReminder.MEDIATION_OVERDUE
    assert {r for r in sent(dispute) if r[0] == red} == {
        (red, mediator.username),
        (red, "village_a1_clerk"),
        (red, justice.username),
    }
    # Running again sends nothing new.
    assert mediation_reminders_send(today=due + dt.timedelta(days=1)) == 0
    assert mediation_reminders_send(today=due + dt.timedelta(days=9)) == 0
    note = Notification.objects.get(recipient=justice, kind=red)
    assert note.title.startswith("红牌督办：白马村纠纷") and note.url == dispute.get_absolute_url()


def test_a_case_first_seen_on_its_due_day_is_yellow(world, justice):
    dispute = mediating_case(world)
    assert mediation_reminders_send(today=dispute.due_on) == 2
    assert {kind for kind, _ in sent(dispute)} == {MediationReminder.MEDIATION_DUE_SOON}


def test_the_acceptance_clock_of_a_registered_case(world, justice):
    dispute = register(world)
    due = dispute.accept_due_on
    assert mediation_reminders_send(today=due + dt.timedelta(days=1)) == 2  # secretary and 司法所
    assert sent(dispute) == {
        (MediationReminder.ACCEPT_OVERDUE, "village_a1_clerk"),
        (MediationReminder.ACCEPT_OVERDUE, justice.username),
    }


def test_a_closed_case_gets_nothing(world, justice):
    dispute = mediating_case(world)
    ms.dispute_settle(
        actor=world.village_a1_clerk, dispute=dispute, version=dispute.version, evidence="双方自行和解"
    )
    assert mediation_reminders_send(today=dispute.due_on + dt.timedelta(days=1)) == 0
    assert mediation_reminders_send(today=dispute.accept_due_on + dt.timedelta(days=1)) == 0
    assert sent(dispute) == set()


def test_an_escalated_case_runs_the_acceptance_clock_at_the_township(world, justice):
    clerk = world.village_a1_clerk
    dispute = mediating_case(world)
    dispute = ms.dispute_escalate(
        actor=clerk,
        dispute=dispute,
        version=dispute.version,
        to_level=Level.TOWNSHIP,
        reason=EscalationReason.COMPLEX,
    )
    due = dispute.accept_due_on
    # The township handles it: its 司法所 is told in yellow too; the village's people no longer.
    assert mediation_reminders_send(today=due) == 1
    assert sent(dispute) == {(MediationReminder.ACCEPT_DUE_SOON, justice.username)}
    assert mediation_reminders_send(today=due + dt.timedelta(days=1)) == 1
    assert (MediationReminder.ACCEPT_OVERDUE, justice.username) in sent(dispute)
    # Once the township accepts, its own mediation month runs and the acceptance clock is silent.
    dispute = ms.dispute_accept(
        actor=justice, dispute=dispute, version=dispute.version, application=Application.INITIATIVE
    )
    assert mediation_reminders_send(today=due + dt.timedelta(days=2)) == 0


def test_the_follow_up_clock_after_an_effective_agreement(world, justice):
    from tests.mediation.builders import agreed

    agreement = agreed(world)
    due = agreement.follow_up_due_on
    assert mediation_reminders_send(today=due) == 1  # the secretary (the builder's mediator has no account)
    assert sent(agreement.dispute) == {(MediationReminder.FOLLOW_UP_DUE_SOON, "village_a1_clerk")}
    assert mediation_reminders_send(today=due + dt.timedelta(days=1)) == 2
    assert (MediationReminder.FOLLOW_UP_OVERDUE, justice.username) in sent(agreement.dispute)


@pytest.mark.parametrize("n", [3, 30])
def test_the_job_costs_the_same_queries_for_3_and_30_cases(world, justice, n, django_assert_num_queries):
    cases = [mediating_case(world) for _ in range(n)]
    day = max(c.due_on for c in cases) + dt.timedelta(days=1)
    assert mediation_reminders_send(today=day) == 3 * n
    # Nothing new to send: the counties, the rules, and four queries per county (the cases, their
    # mediators, the post holders, the reminders already sent), whatever the number of cases.
    with django_assert_num_queries(6):
        assert mediation_reminders_send(today=day) == 0


def test_the_task_is_safe_to_run_twice(world, justice):
    dispute = mediating_case(world)
    Dispute.objects.filter(pk=dispute.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert mediation_reminders_send_task.delay().get() == 3
    assert mediation_reminders_send_task.delay().get() == 0
