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
    """Make each role's group hold exactly its permissions."""
    for name, by_app in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = [
            permission_model.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in by_app.items()
            for codename in codenames
        ]
        group.permissions.set(permissions)


def grant_app_permissions(apps, *, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Add one app's permissions to the roles, from that app's data migration.

    Each app freezes its own list in its migration, so later changes to the roles
    never rewrite what an earlier migration granted.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in role_permissions.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(
            *permission_model.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
