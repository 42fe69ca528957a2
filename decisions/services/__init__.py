"""Every write of the decisions system, by part (the state machine itself is decisions.workflows)."""

from decisions.services.closures import matter_terminate, matter_withdraw  # noqa: F401
from decisions.services.common import period_ends_on, rules_for  # noqa: F401
from decisions.services.disclosures import (  # noqa: F401
    MAX_BOARD_PHOTO_BYTES,
    DisclosureCheck,
    DisclosureInput,
    amendment_create,
    board_photo_add,
    disclosure_period_close,
    disclosure_post,
    disclosure_preview,
    objection_answer,
    objection_record,
)
from decisions.services.matters import (  # noqa: F401
    RosterCounts,
    category_create,
    matter_register,
    matter_repropose,
    representatives_short_text,
    roster_record,
)
from decisions.services.meetings import (  # noqa: F401
    MeetingCheck,
    MeetingInput,
    attachment_add,
    meeting_check_numbers,
    meeting_preview,
    meeting_record,
)
from decisions.services.objections import objection_file_public, objection_uphold  # noqa: F401
from decisions.services.opinions import (  # noqa: F401
    opinion_record,
    supervision_objection_answer,
    supervision_objection_close,
)
from decisions.services.reminders import decision_reminders_send  # noqa: F401
from decisions.services.reviews import (  # noqa: F401
    ReviewInput,
    amendment_signoff,
    review_answer,
    review_decide,
    review_due_kind,
    review_submit,
)
from decisions.services.urging import matter_is_stuck, matter_urge, matter_urging_answer  # noqa: F401
