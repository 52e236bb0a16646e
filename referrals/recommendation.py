"""Which partner to propose first when orienting a person (DESIGN.md §3, Recommendation).

Under 26 → the department's Mission Locale; RQTH → Cap emploi; otherwise France Travail. Then the
other receiving partners of the department with an active offer whose public fits the person
(``ServiceOffer.objects.fitting``, the partners directory rule), then the remaining ones.
"""

from partners.models import Organisation, OrganisationKind, ServiceOffer


def receiving_partners(department_id, exclude=()):
    """Organisations of a department that may receive a referral."""
    return (
        Organisation.objects.filter(department_id=department_id, receives_referrals=True)
        .exclude(pk__in=[pk for pk in exclude if pk])
        .order_by("name")
    )


def first_kind(beneficiary):
    if beneficiary.is_under_26:
        return OrganisationKind.MISSION_LOCALE
    if beneficiary.rqth:
        return OrganisationKind.CAP_EMPLOI
    return OrganisationKind.FRANCE_TRAVAIL


def fitting_offers(beneficiary, department_id):
    return ServiceOffer.objects.filter(
        organisation__department_id=department_id, organisation__receives_referrals=True
    ).fitting(
        age=beneficiary.age,
        rqth=beneficiary.rqth,
        bpi=beneficiary.is_bpi,
        french_level=beneficiary.french_level or None,
        languages=beneficiary.languages,
    )


def recommend(beneficiary, from_organisation):
    """The department's receiving partners, best fitted first: a list of
    ``(organisation, recommended: bool, offers: list)``. Two queries."""
    department_id = from_organisation.department_id
    partners = list(receiving_partners(department_id, exclude=[from_organisation.pk]))
    offers = {}
    for offer in fitting_offers(beneficiary, department_id).order_by("title"):
        offers.setdefault(offer.organisation_id, []).append(offer)
    kind = first_kind(beneficiary)

    def rank(organisation):
        if organisation.kind == kind:
            return 0
        if organisation.pk in offers:
            return 1
        return 2

    partners.sort(key=lambda organisation: (rank(organisation), organisation.name))
    return [
        (organisation, rank(organisation) == 0, offers.get(organisation.pk, []))
        for organisation in partners
    ]
