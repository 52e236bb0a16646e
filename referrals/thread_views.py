"""The thread of a referral on its page: writing a message (with a document), downloading a
document. Both answer 404 outside the referral's scope; each download is audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required
from partners.roles import Cap

from . import messaging, states
from .files import serve
from .forms import MessageForm, add_errors
from .models import Document, Referral
from .views import _detail_context, _open


@capability_required(Cap.REFERRAL_VIEW)
def download(request, pk, document_pk):
    document = get_object_or_404(
        Document.objects.visible_to(request.user), pk=document_pk, referral_id=pk
    )
    return serve(document, request.user, channel="web")


@require_POST
@capability_required(Cap.REFERRAL_VIEW)
def post_message(request, pk):
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    if not states.may_write(request.user, referral):
        raise Http404
    form = MessageForm(request.POST, request.FILES, prefix="message")
    if form.is_valid():
        data = form.cleaned_data
        try:
            messaging.post_message(
                request.user,
                referral,
                text=data["text"],
                upload=data["file"],
                kind=data["kind"],
            )
        except states.TransitionNotAllowed as error:
            messages.error(request, error.message)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Message envoyé."))
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#fil")
    messages.error(request, _("Le message n'a pas été envoyé : corrigez le formulaire ci-dessous."))
    context = _detail_context(request, _open(request, pk), forms={"message": form})
    return render(request, "referrals/detail.html", context, status=400)
