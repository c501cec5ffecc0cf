from __future__ import annotations


def navigation(request):
    user = getattr(request, "user", None)
    return {"siee_user": user if user is not None and user.is_authenticated else None}
