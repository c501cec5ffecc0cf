"""Pagination helper for list pages: keeps the active filters in the page links."""

from __future__ import annotations

from django.core.paginator import Paginator

PER_PAGE = 25


def paginate(request, queryset, *, per_page: int = PER_PAGE) -> dict:
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return {"page_obj": page_obj, "object_list": page_obj.object_list, "querystring_base": f"{base}&" if base else ""}
