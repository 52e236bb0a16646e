from django.urls import include, path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("accords/nouveau/", views.agreement_create, name="agreement_create"),
    path("accords/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("accords/<int:pk>/modifier/", views.agreement_edit, name="agreement_edit"),
    path("accords/<int:pk>/signataires/ajouter/", views.signatory_add, name="signatory_add"),
    path("accords/<int:pk>/axes/ajouter/", views.axis_add, name="axis_add"),
    path("accords/<int:pk>/avenants/ajouter/", views.amendment_add, name="amendment_add"),
    path("accords/<int:pk>/resiliation/", views.termination, name="termination"),
    path("accords/<int:pk>/plan-d-actions/", views.action_plan, name="action_plan"),
    path(
        "accords/<int:pk>/plan-d-actions.<str:fmt>",
        views.action_plan_download,
        name="action_plan_download",
    ),
    path("accords/<int:pk>/actions/ajouter/", views.action_create, name="action_create"),
    path("accords/<int:pk>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/indicateurs/ajouter/", views.indicator_add, name="indicator_add"),
    path("indicateurs/<int:pk>/annee/", views.indicator_year, name="indicator_year"),
    path("reunions/", views.meeting_list, name="meeting_list"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("reunions/<int:pk>/tenue/", views.meeting_hold, name="meeting_hold"),
    path("reunions/<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("reunions/<int:pk>/presences/", views.meeting_attendance, name="meeting_attendance"),
    path("reunions/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("reunions/<int:pk>/suivi/", views.follow_up_add, name="follow_up_add"),
    path("reunions/<int:pk>/invitations/", views.meeting_invite, name="meeting_invite"),
    path("reunions/<int:pk>/invitation.ics", views.meeting_ics, name="meeting_ics"),
    path("suivi/<int:pk>/etat/", views.follow_up_status, name="follow_up_status"),
    path("statistiques/", views.statistics_page, name="statistics"),
    path(
        "statistiques/<slug:table>.<str:fmt>",
        views.statistics_download,
        name="statistics_download",
    ),
    # The annual bilan has its own module of views and URLs.
    path("bilans/", include("governance.bilan.urls")),
]
