"""Training services: the only writers of the training models.

Keyword-only functions taking the acting user. People are resolved through the scoped people selector *before*
the transaction opens (so the "denied" audit entry of an out-of-scope attempt survives the refusal); each write
is atomic, audited, and leaves a timeline event on the person when it concerns one. Errors are ValidationFailed
with the offending field.

One module per subject (providers, courses, enrolment, opportunities, results_contracts); import from this
package: `from siee.training import services; services.create_course(...)`.
"""

from siee.training.services.courses import (
    COURSE_FIELDS,
    add_session,
    create_cohort,
    create_course,
    editable_course_data,
    set_cohort_status,
    update_course,
)
from siee.training.services.enrolment import (
    complete_enrolment,
    confirm_enrolment,
    drop_enrolment,
    enrol_person,
    record_attendance,
    record_session_attendance,
    request_enrolment,
)
from siee.training.services.opportunities import course_specification, register_opportunity
from siee.training.services.providers import register_provider, update_provider
from siee.training.services.results_contracts import contract_payable, create_contract, update_contract

__all__ = [
    "COURSE_FIELDS", "add_session", "complete_enrolment", "confirm_enrolment", "contract_payable", "course_specification",
    "create_cohort", "create_contract", "create_course", "drop_enrolment", "editable_course_data", "enrol_person",
    "record_attendance", "record_session_attendance", "register_opportunity", "register_provider",
    "request_enrolment", "set_cohort_status", "update_contract", "update_course", "update_provider",
]
