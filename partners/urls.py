from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, export_views, proconnect, resource_views, views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/web/", views.health_web, name="health_web"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("proconnect/connexion/", proconnect.LoginView.as_view(), name="proconnect_login"),
    path("proconnect/retour/", proconnect.CallbackView.as_view(), name="proconnect_callback"),
    path("mot-de-passe/oubli/", views.ResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.ResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.ResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# « Mon compte »: second factor and API tokens.
urlpatterns += [
    path("compte/", account_views.account, name="account"),
    path(
        "compte/double-authentification/",
        account_views.second_factor_setup,
        name="second_factor_setup",
    ),
    path(
        "compte/double-authentification/code/",
        account_views.second_factor_verify,
        name="second_factor_verify",
    ),
    path(
        "compte/double-authentification/codes-de-secours/",
        account_views.recovery_codes,
        name="second_factor_recovery",
    ),
    path("compte/jetons/", account_views.token_list, name="token_list"),
    path("compte/jetons/<int:token_pk>/revoquer/", account_views.token_revoke, name="token_revoke"),
    path("organisations/<int:pk>/jetons/", account_views.service_tokens, name="service_tokens"),
]

urlpatterns += [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/membres/", views.member_list, name="member_list"),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/nommer-admin/",
        views.member_grant_admin,
        name="member_grant_admin",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/retirer-admin/",
        views.member_remove_admin,
        name="member_remove_admin",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/desactiver/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path("organisations/<int:pk>/contacts/nouveau/", views.contact_form, name="contact_create"),
    path(
        "organisations/<int:pk>/contacts/<int:contact_pk>/",
        views.contact_form,
        name="contact_edit",
    ),
    path(
        "organisations/<int:pk>/contacts/<int:contact_pk>/supprimer/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("organisations/<int:pk>/offres/nouvelle/", views.offer_form, name="offer_create"),
    path("organisations/<int:pk>/offres/<int:offer_pk>/", views.offer_form, name="offer_edit"),
    path(
        "organisations/<int:pk>/offres/<int:offer_pk>/a-jour/",
        views.offer_reviewed,
        name="offer_reviewed",
    ),
    path("offres/", views.offer_list, name="offer_list"),
    path("ressources/", views.resource_list, name="resource_list"),
    path("ressources/nouvelle/", resource_views.resource_form, name="resource_create"),
    path("ressources/<int:pk>/", resource_views.resource_form, name="resource_edit"),
    path("ressources/<int:pk>/a-jour/", resource_views.resource_reviewed, name="resource_reviewed"),
    path(
        "organisations/<int:pk>/partenariat/",
        resource_views.partnership_form,
        name="partnership_edit",
    ),
    path("formations/", views.training_list, name="training_list"),
    path("formations/import/", views.training_import, name="training_import"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "invitation/<str:token>/proconnect/",
        views.invitation_accept_proconnect,
        name="invitation_accept_proconnect",
    ),
]

urlpatterns += [
    path("exports/<int:pk>/", export_views.job_detail, name="export_job"),
    path("exports/<int:pk>/fichier/", export_views.job_download, name="export_download"),
]
