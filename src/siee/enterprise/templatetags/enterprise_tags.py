"""Template tags of the enterprise app for other apps' pages: the entrepreneurship section of the person page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("enterprise/_person_route.html", takes_context=True)
def person_enterprise_route(context, person):
    """The person's route (job seeking or entrepreneurship) with the staff buttons to refer them either way, and
    their initiatives (owner or team member) in the viewer's territories. Nothing for self-service accounts."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.can_read_personal_data or person.merged_into_id:
        return {"show": False}
    from siee.enterprise import selectors, services

    initiatives = list(selectors.initiatives_of_person(user, person).select_related("owner").order_by("name"))
    return {"show": True, "person": person, "route": services.route_of(person), "initiatives": initiatives,
            "last_referral": person.route_referrals.select_related("by").first(), "csrf_token": context.get("csrf_token")}
