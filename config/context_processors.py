from types import SimpleNamespace

from django.conf import settings

from partners.roles import CAPABILITIES, role_of

# django-dsfr's own context processor reads its configuration table on every page; Passerelle's
# header and footer are fixed, so they come from settings with no query.
SITE_CONFIG = SimpleNamespace(
    site_title=settings.PASSERELLE_SITE_TITLE,
    site_tagline="Insertion professionnelle des étrangers primo-arrivants",
    header_brand_html="Préfecture<br>et partenaires",
    footer_brand_html="Préfecture<br>et partenaires",
    footer_description="Passerelle — suivi des orientations vers le service public de l'emploi.",
    mourning=False,
    beta_tag=True,
    notice_title="",
    notice_description="",
    operator_logo_file=None,
    operator_logo_alt="",
    accessibility_status="NOT",
)


def site(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {
        "SITE_CONFIG": SITE_CONFIG,
        "role": role,
        "capabilities": CAPABILITIES[role] if role else set(),
    }
