"""News to the networks (art. 6): the list (with the monthly digest choice), publishing, and the
document served through the news' scope (out of scope: 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import audit
from partners.access import capability_required
from partners.roles import Cap

from . import actions
from .forms import DigestForm, NewsForm
from .models import DigestOptOut, News
from .views import add_errors

NEWS_PAGE_SIZE = 30


@capability_required(Cap.GOVERNANCE_VIEW)
def news_list(request):
    news = (
        News.objects.visible_to(request.user)
        .select_related("author_organisation")
        .prefetch_related("audience")[:NEWS_PAGE_SIZE]
    )
    receives = not DigestOptOut.objects.filter(user=request.user).exists()
    return render(
        request,
        "governance/life/news_list.html",
        {
            "news": news,
            "may_publish": actions.may_publish(request.user),
            "digest_form": DigestForm(initial={"receive": receives}),
        },
    )


@capability_required(Cap.GOVERNANCE_VIEW)
def news_create(request):
    # Platform admins publish for no department: 404, like programme_create.
    if not actions.may_publish(request.user) or request.user.active_membership is None:
        raise Http404
    department_id = request.user.active_membership.organisation.department_id
    form = NewsForm(request.POST or None, request.FILES or None, department_id=department_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.publish_news(
                request.user,
                title=data["title"],
                text=data["text"],
                to_all=data["to_all"],
                audience=data["audience"],
                upload=data.get("document"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'actualité est publiée."))
            return redirect("governance:news_list")
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": _("Publier une actualité")},
        status=400 if form.errors else 200,
    )


@capability_required(Cap.GOVERNANCE_VIEW)
def news_document(request, pk):
    news = get_object_or_404(News.objects.visible_to(request.user), pk=pk)
    if not news.document:
        raise Http404
    audit.record(request.user, audit.Action.DOWNLOAD, "news_document", news.pk)
    response = FileResponse(
        news.document.open("rb"),
        as_attachment=True,
        filename=f"actualite-{news.pk}.{news.document_extension}",
        content_type=news.document_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@capability_required(Cap.GOVERNANCE_VIEW)
def digest_preference(request):
    form = DigestForm(request.POST)
    form.is_valid()
    actions.set_digest(request.user, form.cleaned_data.get("receive", False))
    messages.success(request, _("Votre choix pour la lettre mensuelle est enregistré."))
    return redirect("governance:news_list")
