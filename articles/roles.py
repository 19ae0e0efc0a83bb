"""The newsroom's roles, as Django groups and the permissions each one holds.

Applied by a data migration; kept here so tests and commands name roles one way.
"""

VERSLAGGEVER = "Verslaggever"
EINDREDACTEUR = "Eindredacteur"
HOOFDREDACTIE = "Hoofdredactie"

_REPORTER = {
    "articles": [
        "add_article",
        "change_article",
        "view_article",
        "view_section",
        "view_author",
        # Photos: reporters upload and describe them, and place them in their articles.
        "add_image",
        "change_image",
        "view_image",
        "add_inlineimage",
        "change_inlineimage",
        "delete_inlineimage",
        "view_inlineimage",
    ],
}
_EDITOR = {
    "articles": [
        *_REPORTER["articles"],
        "delete_article",
        "publish_article",
        "view_articleredirect",
        "delete_image",
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
    "auth": ["add_user", "change_user", "view_user", "view_group"],
}

ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    VERSLAGGEVER: _REPORTER,
    EINDREDACTEUR: _EDITOR,
    HOOFDREDACTIE: _CHIEF,
}


def sync_roles(group_model, permission_model) -> None:
    """Make each role's group hold exactly its permissions.

    An early migration runs this before later models exist; their permissions are
    skipped then, and the migration that adds those models runs it again.
    """
    for name, by_app in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = [
            permission
            for app, codenames in by_app.items()
            for permission in permission_model.objects.filter(
                content_type__app_label=app, codename__in=codenames
            )
        ]
        group.permissions.set(permissions)
