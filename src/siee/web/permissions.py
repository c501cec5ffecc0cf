"""View guards: who may open a page. Scoping of the data itself is done by the selectors."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from siee.core import errors


def _guard(test, message):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied(message())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


personal_data_required = _guard(
    lambda u: u.can_read_personal_data,
    lambda: _("Su rol no permite ver datos personales; use los tableros agregados."),
)
agency_admin_required = _guard(
    lambda u: u.is_agency_admin, lambda: _("Solo los administradores de la agencia pueden ver esta página.")
)


def domain_errors_as_http(view):
    """OutOfScope becomes 404 (an outsider must not learn the record exists); PermissionDenied becomes 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.OutOfScope as exc:
            raise Http404(str(exc)) from exc
        except errors.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper
