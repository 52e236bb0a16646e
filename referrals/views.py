from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.actions import latest_dispensation
from beneficiaries.models import Beneficiary
from core.pagination import CappedPaginator
from partners import audit
from partners import exports as export_jobs
from partners.access import audit_read, capability_required, list_records, open_record
from partners.models import User
from partners.roles import Cap, has_capability

from . import actions, exports, states
from .caseload import counsellors as organisation_counsellors
from .forms import (
    ACTION_FORMS,
    AssignForm,
    FollowUpForm,
    MessageForm,
    PreferencesForm,
    SendForm,
    add_errors,
)
from .inbox import OPEN, counts, for_list, overdue_first
from .messaging import mark_read, unread
from .models import (
    Document,
    FollowUp,
    Message,
    NotificationOptOut,
    Referral,
    ReferralEvent,
    Status,
)
from .recommendation import receiving_partners, recommend

PAGE_SIZE = 50


def _filtered(request):
    """The scoped referrals, filtered by the query string; (queryset, form, counsellors)."""
    return exports.filtered(request.user, request.GET)


@capability_required(Cap.REFERRAL_VIEW)
def inbox(request):
    qs, form, counsellors = _filtered(request)
    page = CappedPaginator(for_list(overdue_first(qs)), PAGE_SIZE).get_page(request.GET.get("page"))
    list_records(request.user, page.object_list, object_type="referral")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "counts": counts(Referral.objects.visible_to(request.user)),
        "unread": unread(request.user, Referral.objects.visible_to(request.user)).count(),
        "open_tab": form.data.get("status") == OPEN,
        "statuses": Status,
        "counsellors": counsellors,
        "query": query.urlencode(),
        "is_receiver": has_capability(request.user, Cap.REFERRAL_ANSWER),
    }
    return render(request, "referrals/inbox.html", context)


@require_POST
@capability_required(Cap.REFERRAL_ANSWER)
def bulk(request):
    ids = [int(pk) for pk in request.POST.getlist("referrals") if pk.isdigit()]
    scoped = Referral.objects.visible_to(request.user).filter(pk__in=ids)
    if not ids:
        messages.error(request, _("Cochez au moins une orientation."))
    elif request.POST.get("action") == "accept":
        done, skipped = 0, 0
        for referral in scoped.awaiting_answer().only("pk"):
            try:
                actions.accept(request.user, referral)
                done += 1
            except states.TransitionNotAllowed:
                skipped += 1
        skipped += len(ids) - done - skipped
        messages.success(request, _("%(n)s orientation(s) acceptée(s).") % {"n": done})
        if skipped:
            messages.warning(
                request,
                _("%(n)s orientation(s) n'étaient plus en attente et n'ont pas été modifiées.")
                % {"n": skipped},
            )
    elif request.POST.get("action") == "assign":
        counsellor = None
        if request.POST.get("assigned_to"):
            counsellor = User.objects.filter(pk=request.POST["assigned_to"]).first()
        try:
            n = actions.assign(request.user, list(scoped.values_list("pk", flat=True)), counsellor)
            messages.success(request, _("%(n)s orientation(s) attribuée(s).") % {"n": n})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choisissez une action."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "referrals:inbox"
    return redirect(target)


@capability_required(Cap.REFERRAL_VIEW)
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    qs, form, _counsellors = _filtered(request)
    total = export_jobs.count_up_to(qs, export_jobs.threshold())
    if total > export_jobs.threshold():
        # A long list: a background job writes every row (nothing cut), audited once.
        job = export_jobs.start(request.user, "referrals", fmt, request.GET, total)
        messages.info(request, _("L'export est en préparation : suivez son avancement ici."))
        return redirect("export_job", pk=job.pk)
    referrals = list_records(
        request.user,
        for_list(overdue_first(qs)),
        object_type="referral",
        action=audit.Action.EXPORT,
        detail=fmt,
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(referrals),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(referrals), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="orientations-{stamp}.{fmt}"'
    return response


def _detail_context(request, referral, forms=None):
    allowed = states.allowed_actions(request.user, referral)
    forms = forms or {}
    action_forms = []
    for action in allowed:
        form = forms.get(action)
        if form is None:
            form = _action_form(action, referral, prefix=action)
        action_forms.append((action, states.TRANSITIONS[action].label, form))
    may_follow_up = states.may_follow_up(request.user, referral)
    return {
        "referral": referral,
        "beneficiary": referral.beneficiary,
        "action_forms": action_forms,
        "events": ReferralEvent.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("actor", "organisation"),
        "follow_ups": FollowUp.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("author", "organisation", "offer__organisation"),
        "follow_up_form": (
            forms.get("follow_up")
            or FollowUpForm(
                prefix="follow_up", department_id=referral.to_organisation.department_id
            )
        )
        if may_follow_up
        else None,
        "open_action": next((name for name in forms if name in states.ACTIONS), None),
        "thread": Message.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("author", "organisation")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk"))),
        "message_form": (forms.get("message") or MessageForm(prefix="message"))
        if states.may_write(request.user, referral)
        else None,
        "assign_form": AssignForm(
            prefix="assign",
            counsellors=organisation_counsellors(request.user),
            initial={"assigned_to": str(referral.assigned_to_id or "")},
        )
        if states.may_assign(request.user, referral)
        else None,
        "my_organisation_id": request.user.active_membership.organisation_id,
    }


def _action_form(action, referral, data=None, prefix=None):
    form_class = ACTION_FORMS[action]
    if action == "redirect":
        partners = receiving_partners(
            referral.to_organisation.department_id,
            exclude=[referral.to_organisation_id, referral.from_organisation_id],
        )
        return form_class(data, prefix=prefix, partners=partners)
    if action == "close":
        return form_class(data, prefix=prefix, department_id=referral.to_organisation.department_id)
    return form_class(data, prefix=prefix)


def _with_page_relations(qs):
    return qs.select_related(
        "beneficiary",
        "from_organisation",
        "to_organisation__department",
        "sender",
        "assigned_to",
        "service_offer",
        "redirected_to__to_organisation",
        "redirected_from__to_organisation",
        "outcome_employer",
    )


def _get(request, pk):
    """The referral a POST acts on (in scope, 404 otherwise); the page it re-shows is opened."""
    return get_object_or_404(_with_page_relations(Referral.objects.visible_to(request.user)), pk=pk)


def _open(request, pk):
    """The referral a page shows, through the door (scope, 404, read audit)."""
    return open_record(request.user, Referral, prepare=_with_page_relations, pk=pk)


@capability_required(Cap.REFERRAL_VIEW)
def detail(request, pk):
    referral = _open(request, pk)
    mark_read(request.user, referral)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@require_POST
@capability_required(Cap.REFERRAL_VIEW)
def act(request, pk, action):
    if action not in states.ACTIONS:
        raise Http404
    referral = _get(request, pk)
    form = _action_form(action, referral, request.POST, prefix=action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if action == "redirect":
            data["to_organisation"] = form.partners[data["to_organisation"]]
        try:
            result = getattr(actions, action)(request.user, referral, **data)
        except states.TransitionNotAllowed as error:
            messages.error(request, error.message)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, SUCCESS[action])
            target = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            if action == "redirect":
                return redirect("referrals:detail", pk=referral.pk)
            return redirect("referrals:detail", pk=result.pk)
    messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    context = _detail_context(request, _open(request, pk), forms={action: form})
    return render(request, "referrals/detail.html", context, status=400)


SUCCESS = {
    "review": _("Orientation mise à l'étude. L'OFII le voit ; le délai de réponse court toujours."),
    "accept": _("Orientation acceptée."),
    "refuse": _("Orientation refusée. L'OFII en est informé."),
    "redirect": _("Orientation transmise au nouveau partenaire. L'OFII en est informé."),
    "cancel": _("Orientation annulée."),
    "start": _("Premier rendez-vous enregistré."),
    "close": _("Orientation clôturée."),
}


@require_POST
@capability_required(Cap.REFERRAL_ANSWER)
def add_follow_up(request, pk):
    referral = _get(request, pk)
    if not states.may_follow_up(request.user, referral):
        messages.error(request, _("Un suivi s'ajoute à une orientation acceptée."))
        return redirect("referrals:detail", pk=referral.pk)
    form = FollowUpForm(
        request.POST, prefix="follow_up", department_id=referral.to_organisation.department_id
    )
    if form.is_valid():
        try:
            actions.add_follow_up(request.user, referral, **form.cleaned_data)
        except states.TransitionNotAllowed as error:
            messages.error(request, error.message)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Suivi enregistré."))
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, _open(request, pk), forms={"follow_up": form})
    return render(request, "referrals/detail.html", context, status=400)


@capability_required(Cap.REFERRAL_SEND)
def new(request, beneficiary_id):
    if request.method == "POST":
        # Read without audit: the send is audited; a form re-shown with errors is audited below.
        beneficiary = get_object_or_404(
            Beneficiary.objects.visible_to(request.user), pk=beneficiary_id
        )
    else:
        beneficiary = open_record(
            request.user,
            Beneficiary,
            object_type="beneficiary",
            detail="referral_form",
            pk=beneficiary_id,
        )
    rows = recommend(beneficiary, request.user.active_membership.organisation)
    dispensed = latest_dispensation(beneficiary) is not None
    form = SendForm(request.POST or None, rows=rows, dispensed=dispensed)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.send(
                request.user,
                beneficiary=beneficiary,
                to_organisation=form.organisation(),
                service_offer=form.offer(),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                changed_mind=form.cleaned_data.get("confirm_changed_mind", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        except states.TransitionNotAllowed as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Orientation envoyée à %(org)s. Réponse attendue avant le %(due)s.")
                % {
                    "org": referral.to_organisation.name,
                    "due": timezone.localtime(referral.answer_due_at).strftime("%d/%m/%Y"),
                },
            )
            return redirect("referrals:detail", pk=referral.pk)
    if request.method == "POST":
        audit_read(request.user, beneficiary, object_type="beneficiary", detail="referral_form")
    referrals = list_records(
        request.user,
        Referral.objects.visible_to(request.user)
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation")
        .order_by("-sent_at"),
        object_type="referral",
    )
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "beneficiary": beneficiary,
            "rows": rows,
            "referrals": referrals,
            "dispensed": dispensed,
        },
        status=400 if form.errors else 200,
    )


@capability_required(Cap.REFERRAL_VIEW)
def preferences(request):
    user = request.user
    kinds = actions.notification_kinds(user)
    opted_out = set(NotificationOptOut.objects.visible_to(user).values_list("kind", flat=True))
    initial = {"kinds": [k.value for k in kinds if k.value not in opted_out]}
    form = PreferencesForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.set_notification_preferences(user, form.cleaned_data["kinds"])
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("referrals:preferences")
    organisation = user.active_membership.organisation
    return render(
        request,
        "referrals/preferences.html",
        {
            "form": form,
            "organisation": organisation,
            "receiver": has_capability(user, Cap.REFERRAL_ANSWER),
        },
    )
