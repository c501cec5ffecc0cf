"""Enterprise indicators in the observatory: every one registered, and exact values on hand-built records."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from factories import make_employer
from siee.enterprise import services
from siee.enterprise.indicators import INDICATORS
from siee.enterprise.models import Stage, StepKind

PAID = dt.date(2026, 2, 10)


def test_every_enterprise_indicator_is_registered():
    from siee.observatory import registry

    codes = {d.code for d in registry.builtin_definitions()}
    assert {i["code"] for i in INDICATORS} <= codes


def test_enterprise_indicators_on_hand_built_records(actors, adviser, bakery):
    from siee.observatory import services as obs

    for kind in (StepKind.DIAGNOSIS, StepKind.TRAINING, StepKind.BUSINESS_PLAN, StepKind.COMMITTEE_REVIEW):
        services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=kind)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.BUSINESS_PLAN)
    call = services.create_call(actor=actors.admin, criteria=[{"name": "Viabilidad", "weight": 1}], data={
        "name": "Semilla", "opens_on": dt.date(2026, 1, 1), "closes_on": dt.date(2026, 12, 31),
        "amount_per_award": "3000000", "budget": "9000000"})
    app = services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=bakery.pk, today=dt.date(2026, 2, 1))
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5})
    award = services.award_application(actor=adviser, application_id=app.pk, on=dt.date(2026, 2, 1), tranches=[
        {"amount": "2000000", "milestone": "Horno"}, {"amount": "1000000", "milestone": "Ventas"}])
    first = award.tranches.get(number=1)
    services.pay_tranche(actor=adviser, tranche_id=first.pk, on=PAID)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.OPERATING)
    services.update_operations(actor=adviser, initiative_id=bakery.pk, jobs_full_time=2, jobs_part_time=1, jobs_family=1)
    services.formalize_initiative(actor=adviser, initiative_id=bakery.pk, tax_id="900555111-2")
    services.add_product(actor=adviser, initiative_id=bakery.pk, data={"name": "Pan"})
    services.publish_initiative(actor=adviser, initiative_id=bakery.pk, contact={"phone": "6070000000"})
    hotel = make_employer(actors.counsellor, name="Hotel Indicador")
    need = services.create_need(actor=adviser, data={"buyer_employer_id": hotel.pk, "title": "Pan"})
    services.record_supplier_step(actor=adviser, need_id=need.pk, initiative_id=bakery.pk, step="deal", value="750000")
    six = bakery.survival_follow_ups.get(months=6)
    services.record_survival(actor=adviser, follow_up_id=six.pk, operating=True, on=PAID)

    def value(code, period):
        return obs.compute(code, territory="68001", period=period, disclosure=False).value

    now = timezone.localdate()
    this_month = f"{now.year}-{now.month:02d}"
    assert value("seed_capital_disbursed", "2026-02") == 2_000_000
    assert value("survival_6m", "2026-02") == 100.0
    assert value("initiatives_created", this_month) == 1
    assert value("initiatives_formalized", this_month) == 1
    assert value("initiatives_stage_operating", this_month) == 1
    assert value("initiatives_stage_idea", this_month) == 0
    assert value("initiative_jobs", this_month) == 4
    assert value("supplier_deals", this_month) == 1
    assert value("supplier_deals_value", this_month) == 750_000
