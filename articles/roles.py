"""The newsroom's roles, as Django groups and the permissions each one holds.

Applied by a data migration; kept here so tests and commands name roles one way.
"""

VERSLAGGEVER = "Verslaggever"
EINDREDACTEUR = "Eindredacteur"
HOOFDREDACTIE = "Hoofdredactie"

_REPORTER = {
    "articles": ["add_article", "change_article", "view_article", "view_section", "view_author"],
}
_EDITOR = {
    "articles": [
        *_REPORTER["articles"],
        "delete_article",
        "publish_article",
        "view_articleredirect",
    ],
    "newsletters": [
        "view_edition",
        "change_edition",
        "send_edition",
        "add_editionitem",
        "change_editionitem",
        "delete_editionitem",
        "view_editionitem",
        "view_delivery",
    ],
}
_CHIEF = {
    "articles": [
        *_EDITOR["articles"],
        "add_section",
        "change_section",
        "delete_section",
        "add_author",
        "change_author",
        "delete_author",
        "change_articleredirect",
        "delete_articleredirect",
    ],
    "newsletters": [
        *_EDITOR["newsletters"],
        "view_subscriber",
        "change_subscriber",
        "view_consentrecord",
    ],
    "auth": ["add_user", "change_user", "view_user", "view_group"],
}

ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    VERSLAGGEVER: _REPORTER,
    EINDREDACTEUR: _EDITOR,
    HOOFDREDACTIE: _CHIEF,
}


def sync_roles(group_model, permission_model) -> None:
    """Make each role's group hold exactly its permissions.

    Permissions of an app whose models are not migrated yet are left out; that
    app's own migration syncs the roles again (e.g. newsletters 0002).
    """
    for name, by_app in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = [
            permission_model.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in by_app.items()
            if permission_model.objects.filter(content_type__app_label=app).exists()
            for codename in codenames
        ]
        group.permissions.set(permissions)
