"""Employer form choices."""

from __future__ import annotations


def test_sector_choices_group_divisions_under_their_section(db):
    from siee.employers.forms import sector_choices
    from siee.taxonomy.models import Sector

    groups = dict(sector_choices()[1:])
    manufacturing = next(options for label, options in groups.items() if label.startswith("C "))
    codes = [code for code, _ in manufacturing]
    expected = list(Sector.objects.filter(level=2, section="C").order_by("code").values_list("code", flat=True))
    assert codes == expected and "10" in codes  # food products: a division, not the bare section
