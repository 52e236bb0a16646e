"""URLs of the life of the partnership (in the ``governance`` namespace)."""

from django.urls import path

from . import news_views, programme_views, views

urlpatterns = [
    path("accords/<int:pk>/activites/", views.activity_list, name="activity_list"),
    path("accords/<int:pk>/activites/nouvelle/", views.activity_create, name="activity_create"),
    path(
        "accords/<int:pk>/groupes-thematiques/ajouter/",
        views.thematic_group_add,
        name="thematic_group_add",
    ),
    path("accords/<int:pk>/ressources/", views.resource_keepers_edit, name="resource_keepers"),
    path("accords/<int:pk>/renouveler/", views.renewal, name="renewal"),
    path("actualites/", news_views.news_list, name="news_list"),
    path("actualites/nouvelle/", news_views.news_create, name="news_create"),
    path("actualites/<int:pk>/document/", news_views.news_document, name="news_document"),
    path("actualites/lettre-mensuelle/", news_views.digest_preference, name="news_digest"),
    path("programmes/", programme_views.programme_list, name="programme_list"),
    path("programmes/nouveau/", programme_views.programme_create, name="programme_create"),
    path(
        "programmes/entree/orientation/<int:referral_pk>/",
        programme_views.entry_on_referral,
        name="programme_entry_referral",
    ),
    path(
        "programmes/entree/dossier/<int:beneficiary_pk>/",
        programme_views.entry_on_file,
        name="programme_entry_file",
    ),
    path("programmes/entrees/<int:pk>/sortie/", programme_views.entry_exit, name="programme_exit"),
]
