"""The data of the access matrix: two departments, built once per test module.

Paris (75) and Seine-Saint-Denis (93) each hold one of everything (a person interviewed and
referred with a document on the referral's thread, an import, an agreement with its plan, a
meeting with its ready pack, an amendment with its document, a ready bilan, contacts, offers, a
finished export of the OFII member and their personal API token). Every name that must not leak carries a marker that appears
nowhere else, so that a page, an export or a JSON answer can be searched for it.

Personas (DESIGN.md §4): ``ofii`` (auditor, OFII Paris, admin), ``receiver`` (Mission Locale
Paris, admin: the Paris referral is addressed to it), ``other_org`` (Cap emploi Paris: another
organisation of the same department), ``coordinator`` (préfecture, admin), ``partner``
(association), ``platform_admin`` (superuser), ``other_dept`` (OFII 93, admin), ``deactivated``
(a Paris member whose membership was deactivated), ``anonymous``.
"""

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from beneficiaries.models import ImportJob, Qualification
from core.dates import months_before
from exchange.models import ReconciliationRun, WebhookEndpoint
from governance.life.models import News, Programme, ProgrammeEntry
from governance.models import (
    Action,
    Agreement,
    Amendment,
    AnnualReport,
    Axis,
    Committee,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
    MeetingPack,
)
from partners import tokens
from partners.models import ExportJob, Membership, OrganisationKind
from referrals.models import FollowUp, RefusalReason, Status
from tests.factories import (
    BeneficiaryFactory,
    DepartmentFactory,
    InterviewFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
    member_of,
)
from tests.partners.factories import (
    ContactFactory,
    ResourceFactory,
    ServiceOfferFactory,
    TrainingOfferFactory,
)
from tests.referrals.factories import document_on

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = timezone.localdate().year


def _department(code, label):
    """One department's organisations, people and records; ``label`` marks every name."""
    department = DepartmentFactory(code=code)

    def org(kind, name):
        return OrganisationFactory(kind=kind, department=department, name=f"{name} {label}")

    orgs = SimpleNamespace(
        ofii=org(OrganisationKind.OFII, "OFII"),
        mission_locale=org(OrganisationKind.MISSION_LOCALE, "Mission Locale"),
        cap_emploi=org(OrganisationKind.CAP_EMPLOI, "Cap emploi"),
        prefecture=org(OrganisationKind.PREFECTURE, "Préfecture"),
        partner=org(OrganisationKind.ASSOCIATION, "Association"),
    )
    ofii = member_of(orgs.ofii, is_admin=True)
    receiver = member_of(orgs.mission_locale, is_admin=True)
    person = BeneficiaryFactory(
        ofii_organisation=orgs.ofii,
        last_name=f"Nom{label}",
        first_name=f"Prenom{label}",
        ofii_number=f"{code}-2025-9{code}01",
    )
    interview = InterviewFactory(beneficiary=person)
    referral = ReferralFactory(
        beneficiary=person,
        from_organisation=orgs.ofii,
        to_organisation=orgs.mission_locale,
        sender=ofii,
    )
    followed = _listed(orgs, ofii, receiver, label)
    exchange = _exchange(orgs, ofii, receiver, person, referral, followed, label)
    agreement = Agreement.objects.create(
        department=department,
        title=f"Accord {label}",
        starts_on=datetime.date(YEAR - 2, 1, 1),
        ends_on=datetime.date(YEAR + 2, 1, 1),
        status=Agreement.Status.IN_FORCE,
    )
    copil = Committee.objects.create(agreement=agreement, kind=Committee.Kind.COPIL)
    meeting = Meeting.objects.create(
        committee=copil,
        date=timezone.now() - datetime.timedelta(days=1),
        place=f"Salle {label}",
        status=Meeting.Status.PLANNED,
    )
    axis = Axis.objects.create(agreement=agreement, number=1, title=f"Axe {label}")
    action = Action.objects.create(
        agreement=agreement,
        axis=axis,
        title=f"Action {label}",
        lead_organisation=orgs.ofii,
        starts_on=datetime.date(YEAR - 1, 1, 1),
        status=Action.Status.IN_PROGRESS,
    )
    indicator = Indicator.objects.create(
        action=action, name=f"Indicateur {label}", source=Indicator.Source.MANUAL
    )
    IndicatorYear.objects.create(indicator=indicator, year=YEAR, target=4, value=2)
    follow_up = FollowUpItem.objects.create(
        meeting=meeting,
        description=f"Suivi {label}",
        owner=orgs.mission_locale,
        due_on=datetime.date(YEAR, 12, 1),
    )
    amendment = Amendment(
        agreement=agreement, number=1, signed_on=datetime.date(YEAR - 1, 3, 1), summary="Objet"
    )
    amendment.document.save(f"avenant-{code}.pdf", ContentFile(PDF), save=False)
    amendment.save()
    report = AnnualReport(
        agreement=agreement,
        year=YEAR - 1,
        version=1,
        status=AnnualReport.Status.READY,
        progress=100,
        sha256="0" * 64,
        snapshot={"statistics": {}},
        generated_at=timezone.now(),
    )
    report.pdf.save(f"bilan-{code}.pdf", ContentFile(PDF), save=False)
    report.save()
    pack = MeetingPack(
        meeting=meeting,
        version=1,
        status=MeetingPack.Status.READY,
        progress=100,
        period_start=datetime.date(YEAR - 1, 1, 1),
        period_end=datetime.date(YEAR - 1, 12, 31),
        generated_at=timezone.now(),
    )
    pack.pdf.save(f"dossier-{code}.pdf", ContentFile(PDF), save=False)
    pack.xlsx.save(f"dossier-{code}.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    pack.save()
    export = ExportJob(
        requested_by=ofii,
        organisation=orgs.ofii,
        source="beneficiaries",
        fmt="csv",
        status=ExportJob.Status.DONE,
        total_rows=1,
        written_rows=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    row = f"{person.last_name};{person.first_name};{person.ofii_number}\n"
    export.file.save(f"export-{code}.csv", ContentFile(row.encode()), save=False)
    export.save()
    token, _key = tokens.create_personal(ofii, name=f"Jeton {label}")
    extra = Membership.objects.create(
        user=UserFactory(last_name=f"Membre{label}"), organisation=orgs.mission_locale
    )
    return SimpleNamespace(
        department=department,
        orgs=orgs,
        ofii=ofii,
        receiver=receiver,
        person=person,
        referral=referral,
        document=document_on(referral, ofii, name=f"cv-{code}.pdf", content=PDF),
        pack=pack,
        export=export,
        token=token,
        job=ImportJob.objects.create(
            organisation=orgs.ofii, created_by=ofii, file_name=f"import-{code}.csv"
        ),
        agreement=agreement,
        meeting=meeting,
        action=action,
        indicator=indicator,
        follow_up=follow_up,
        amendment=amendment,
        report=report,
        organisation=orgs.mission_locale,
        contact=ContactFactory(organisation=orgs.mission_locale, name=f"Contact {label}"),
        offer=ServiceOfferFactory(organisation=orgs.mission_locale, title=f"Offre {label}"),
        membership=extra,
        interview=interview,
        **exchange,
    )


def _exchange(orgs, ofii, receiver, person, referral, followed, label):
    """The records of data exchange and of the life of the partnership (issues 17 and 18): the
    Mission Locale keeps the resources and has a webhook; a France Travail run; news with its
    document; a programme entry on the referral; an employer."""
    orgs.mission_locale.keeps_resources = True
    orgs.mission_locale.save(update_fields=["keeps_resources"])
    department = orgs.ofii.department
    france_travail = OrganisationFactory(
        kind=OrganisationKind.FRANCE_TRAVAIL, department=department, name=f"France Travail {label}"
    )
    news = News(
        department=department,
        author_organisation=orgs.ofii,
        author=ofii,
        title=f"Actualité {label}",
        text="Texte",
        document_type="application/pdf",
    )
    news.document.save("news.pdf", ContentFile(PDF), save=False)
    news.save()
    programme = Programme.objects.create(
        department=department, name=f"Programme {label}", kind=Programme.Kind.LOCAL
    )
    return {
        "resource": ResourceFactory(department=department, name=f"Ressource {label}"),
        "training": TrainingOfferFactory(department=department, title=f"Formation {label}"),
        "qualification": Qualification.objects.create(
            beneficiary=person, kind=Qualification.Kind.DIPLOMA, title=f"Diplôme {label}"
        ),
        "referral_follow_up": FollowUp.objects.create(
            referral=referral,
            kind=FollowUp.Kind.DIAGNOSTIC,
            happened_on=timezone.localdate(),
            author=receiver,
            organisation=orgs.mission_locale,
        ),
        "webhook": WebhookEndpoint.objects.create(
            organisation=orgs.mission_locale,
            url="https://si.example.fr/hook",
            events=["referral.sent"],
            secret="0" * 64,
        ),
        "reconciliation": ReconciliationRun.objects.create(
            organisation=france_travail,
            department=department,
            created_by=member_of(france_travail),
        ),
        "news": news,
        "followed": followed,
        "entry": ProgrammeEntry.objects.create(
            beneficiary=followed.beneficiary,
            programme=programme,
            operator=orgs.mission_locale,
            entered_on=timezone.localdate(),
            referral=followed,
            recorded_by=receiver,
            organisation=orgs.mission_locale,
        ),
        "employer": OrganisationFactory(
            kind=OrganisationKind.EMPLOYER, department=department, name=f"Employeur {label}"
        ),
    }


def _listed(orgs, ofii, receiver, label):
    """What the worklists show, so that their leak checks see rows: a person due for the
    end-of-CIR interview whose referral was refused (« À réorienter »), and a person followed by
    the receiver (« Mes accompagnements »: the referral returned). Their names carry the
    department's marker."""
    now = timezone.now()
    today = timezone.localdate()
    due = BeneficiaryFactory(
        ofii_organisation=orgs.ofii,
        last_name=f"Refus{label}",
        first_permit_date=months_before(today, 13),
        cir_signed_on=months_before(today, 12),
    )
    ReferralFactory(
        beneficiary=due,
        to_organisation=orgs.mission_locale,
        sender=ofii,
        status=Status.REFUSED,
        answered_at=now,
        refusal_reason=RefusalReason.UNREACHABLE,
    )
    return ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs.ofii, last_name=f"Suivi{label}"),
        to_organisation=orgs.mission_locale,
        sender=ofii,
        status=Status.ACCEPTED,
        answered_at=now,
        assigned_to=receiver,
    )


class Missing:
    """A record that does not exist: every id it is asked for is unused."""

    pk = 987654321

    def __getattr__(self, name):
        return self.pk


def build():
    """Paris (the records the personas reach) and Seine-Saint-Denis (out of their scope)."""
    paris = _department("75", "Lutecezz")
    other = _department("93", "Bobignyzz")
    deactivated_membership = Membership.objects.create(
        user=UserFactory(is_active=False),
        organisation=paris.orgs.cap_emploi,
        is_active=False,
        deactivated_at=timezone.now(),
    )
    personas = {
        "anonymous": None,
        "ofii": paris.ofii,
        "receiver": paris.receiver,
        "other_org": member_of(paris.orgs.cap_emploi),
        "coordinator": member_of(paris.orgs.prefecture, is_admin=True),
        "partner": member_of(paris.orgs.partner),
        "platform_admin": UserFactory(is_superuser=True, is_staff=True),
        "other_dept": other.ofii,
        "deactivated": deactivated_membership.user,
    }
    return SimpleNamespace(own=paris, foreign=other, missing=Missing(), personas=personas)
