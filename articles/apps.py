from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .search_fts import ensure_index, register_stemmer

        connection_created.connect(register_stemmer, dispatch_uid="fts-stemmer")
        post_migrate.connect(ensure_index, sender=self, dispatch_uid="fts-index")

        from .models import Section
        from .navigation import invalidate_navigation

        post_save.connect(invalidate_navigation, sender=Section, dispatch_uid="nav-save")
        post_delete.connect(invalidate_navigation, sender=Section, dispatch_uid="nav-delete")

        from .images import Image
        from .imaging import delete_files_of_deleted_image

        post_delete.connect(
            delete_files_of_deleted_image, sender=Image, dispatch_uid="image-files-delete"
        )
