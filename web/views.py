"""The home pages: one per role, composed of the panels of the apps (``panels``)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from partners.access import capability_required, list_records
from partners.models import Organisation
from partners.roles import Cap, Role, role_of

from . import panels

# Each role's home page and the panels it shows (their templates include the apps' panels).
HOME_TEMPLATES = {
    Role.OFII: "home/ofii.html",
    Role.RECEIVER: "home/receiver.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.PARTNER: "home/partner.html",
    Role.PLATFORM_ADMIN: "home/platform_admin.html",
}

HOME_PANELS = {
    Role.OFII: (panels.files_summary, panels.referral_summary),
    Role.RECEIVER: (panels.referral_summary, panels.partner_panel),
    Role.COORDINATOR: (panels.governance_panel,),
    Role.PARTNER: (panels.partner_panel, panels.governance_panel),
    Role.PLATFORM_ADMIN: (panels.governance_panel,),
}


def home(request):
    user = request.user
    role = role_of(user)
    membership = user.active_membership
    organisation = membership.organisation if membership else None
    context = {
        "membership": membership,
        "organisation": organisation,
        "department_organisations": Organisation.objects.visible_to(user)
        .select_related("department")
        .order_by("kind", "name"),
    }
    # Each panel under its function's name: ``files_summary``, ``referral_summary``…
    for panel in HOME_PANELS[role]:
        context[panel.__name__] = panel(user)
    # Every home shows the latest news to the networks (art. 6).
    context["news_panel"] = panels.news_panel(user)
    return render(request, HOME_TEMPLATES[role], context)


@capability_required(Cap.REFERRAL_SEND)
def to_reorient(request):
    """The full "À réorienter" list of the OFII home: one row per person."""
    page = Paginator(panels.to_reorient(request.user), 50).get_page(request.GET.get("page"))
    list_records(request.user, page.object_list, object_type="referral", detail="to_reorient")
    return render(request, "home/to_reorient.html", {"page_obj": page})
