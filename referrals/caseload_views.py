"""The caseload page ("Mes accompagnements") and assigning a referral from its page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required, list_records
from partners.roles import Cap

from . import actions, caseload, states
from .forms import AssignForm, CaseloadFilterForm
from .models import FollowUp, Referral

PAGE_SIZE = 50
COLUMNS = [
    ("name", _("Personne")),
    ("status", _("État")),
    ("appointment", _("Rendez-vous")),
    ("last_follow_up", _("Dernier suivi")),
]


def _sort_links(request, current):
    """(key, label, url, aria-sort) of each sortable column: a click sorts by it, again reverses."""
    query = request.GET.copy()
    query.pop("page", None)
    links = []
    for key, label in COLUMNS:
        descending = current == key
        query["sort"] = f"-{key}" if descending else key
        aria = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        links.append((key, label, "?" + query.urlencode(), aria))
    return links


@capability_required(Cap.REFERRAL_ANSWER)
def caseload_page(request):
    user = request.user
    tab = request.GET.get("tab")
    tab = tab if tab in (caseload.MINE, caseload.ORGANISATION) else caseload.MINE
    form = CaseloadFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sort = request.GET.get("sort") or caseload.DEFAULT_SORT
    scoped = Referral.objects.visible_to(user)
    qs = caseload.caseload(
        user,
        scoped,
        tab=tab,
        text=data.get("q", ""),
        flag=data.get("flag", ""),
        status=data.get("status", ""),
        sort=sort,
    ).select_related("beneficiary", "assigned_to")
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    list_records(user, page.object_list, object_type="referral", detail="caseload")
    kinds = dict(FollowUp.Kind.choices)
    for referral in page.object_list:
        referral.last_follow_up_label = kinds.get(referral.last_follow_up_kind, "")
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("tab", None)
    return render(
        request,
        "referrals/caseload.html",
        {
            "form": form,
            "page": page,
            "tab": tab,
            "counts": caseload.counts(user, scoped),
            "stale_days": caseload.stale_days(user.active_membership.organisation_id),
            "columns": _sort_links(request, sort),
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "next": request.get_full_path(),
        },
    )


@require_POST
@capability_required(Cap.REFERRAL_ANSWER)
def assign(request, pk):
    """Assigns one referral from its page (the bulk form of the inbox does several)."""
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    if not states.may_assign(request.user, referral):
        messages.error(request, _("Cette orientation ne peut plus être attribuée."))
        return redirect("referrals:detail", pk=referral.pk)
    form = AssignForm(request.POST, prefix="assign", counsellors=caseload.counsellors(request.user))
    if not form.is_valid():
        messages.error(request, _("Choisissez un membre de votre organisation."))
        return redirect("referrals:detail", pk=referral.pk)
    try:
        changed = actions.assign(request.user, [referral.pk], form.counsellor())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if changed:
            messages.success(request, _("Conseiller référent enregistré."))
        else:
            messages.info(request, _("Cette orientation avait déjà ce conseiller référent."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("referrals:detail", pk=referral.pk)
    return redirect(target)
