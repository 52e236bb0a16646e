from django.urls import include, path

from .life import views as life_views
from .packs import views as pack_views
from .views import agreements, files, meetings
from .views import statistics as statistics_views

app_name = "governance"

urlpatterns = [
    path("", agreements.index, name="index"),
    path("accords/nouveau/", agreements.agreement_create, name="agreement_create"),
    path("accords/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("accords/<int:pk>/modifier/", agreements.agreement_edit, name="agreement_edit"),
    path("accords/<int:pk>/signataires/ajouter/", agreements.signatory_add, name="signatory_add"),
    path("accords/<int:pk>/axes/ajouter/", agreements.axis_add, name="axis_add"),
    path("accords/<int:pk>/avenants/ajouter/", agreements.amendment_add, name="amendment_add"),
    path("avenants/<int:pk>/document/", files.amendment_document, name="amendment_document"),
    path("accords/<int:pk>/resiliation/", life_views.termination, name="termination"),
    path("accords/<int:pk>/plan-d-actions/", agreements.action_plan, name="action_plan"),
    path(
        "accords/<int:pk>/plan-d-actions.<str:fmt>",
        agreements.action_plan_download,
        name="action_plan_download",
    ),
    path("accords/<int:pk>/actions/ajouter/", agreements.action_create, name="action_create"),
    path("accords/<int:pk>/reunions/nouvelle/", meetings.meeting_create, name="meeting_create"),
    path("actions/<int:pk>/modifier/", agreements.action_edit, name="action_edit"),
    path("actions/<int:pk>/indicateurs/ajouter/", agreements.indicator_add, name="indicator_add"),
    path("indicateurs/<int:pk>/annee/", agreements.indicator_year, name="indicator_year"),
    path("reunions/", meetings.meeting_list, name="meeting_list"),
    path("reunions/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/modifier/", meetings.meeting_edit, name="meeting_edit"),
    path("reunions/<int:pk>/tenue/", meetings.meeting_hold, name="meeting_hold"),
    path("reunions/<int:pk>/annuler/", meetings.meeting_cancel, name="meeting_cancel"),
    path("reunions/<int:pk>/presences/", meetings.meeting_attendance, name="meeting_attendance"),
    path("reunions/<int:pk>/decisions/", meetings.decision_add, name="decision_add"),
    path("reunions/<int:pk>/suivi/", meetings.follow_up_add, name="follow_up_add"),
    path("reunions/<int:pk>/invitations/", meetings.meeting_invite, name="meeting_invite"),
    path("reunions/<int:pk>/invitation.ics", meetings.meeting_ics, name="meeting_ics"),
    path("reunions/<int:pk>/dossier/", pack_views.pack_request, name="pack_request"),
    path(
        "dossiers/<int:pk>/dossier-de-seance.<str:fmt>",
        pack_views.pack_download,
        name="pack_download",
    ),
    path("suivi/<int:pk>/etat/", meetings.follow_up_status, name="follow_up_status"),
    path("statistiques/", statistics_views.statistics_page, name="statistics"),
    path(
        "statistiques/<slug:table>.<str:fmt>",
        statistics_views.statistics_download,
        name="statistics_download",
    ),
    # The life of the partnership: activities, news, programmes, renewal (issue 18).
    path("", include("governance.life.urls")),
    # The annual bilan has its own module of views and URLs.
    path("bilans/", include("governance.bilan.urls")),
]
