from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import PUBLISHING_STATUSES, ArticleAdminForm, ImageAdminForm, InlineImageFormSet
from .imaging import image_queue_renditions
from .models import Article, ArticleRedirect, Author, Image, InlineImage, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_nav"]
    list_editable = ["position", "in_nav"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "has_renditions"]
    search_fields = ["alt", "caption", "credit"]
    readonly_fields = ["width", "height", "file_size", "created_at"]
    actions = ["make_renditions"]

    @admin.action(description=_("Make renditions again"), permissions=["change"])
    def make_renditions(self, request, queryset):
        for image in queryset:
            image_queue_renditions(image=image)
        self.message_user(request, _("The renditions are being made."))

    @admin.display(description=_("image"))
    def thumbnail(self, obj: Image):
        return format_html('<img src="{}" alt="" width="80">', obj.share_url())

    @admin.display(description=_("renditions ready"), boolean=True)
    def has_renditions(self, obj: Image) -> bool:
        return bool(obj.renditions)

    def save_model(self, request, obj: Image, form, change):
        if "file" in form.changed_data:
            obj.renditions = {}
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            image_queue_renditions(image=obj)


class InlineImageInline(admin.TabularInline):
    model = InlineImage
    formset = InlineImageFormSet
    autocomplete_fields = ["image"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [InlineImageInline]
    list_display = [
        "headline",
        "section",
        "status",
        "published_at",
        "public_modified",
        "reading_time",
    ]
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "lede", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["authors", "lead_image"]
    readonly_fields = ["reading_time", "created_by", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["section", "headline", "slug", "lede", "lead_image", "body", "authors"]},
        ),
        (_("Publication"), {"fields": ["status", "published_at", "modified_at"]}),
        (_("Details"), {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    @admin.display(description=_("modified on"), ordering="modified_at")
    def public_modified(self, obj: Article):
        return obj.public_modified_at

    def has_change_permission(self, request, obj=None):
        # Once an article has been out, only those who may publish may touch it.
        if (
            obj is not None
            and obj.status in PUBLISHING_STATUSES
            and not request.user.has_perm("articles.publish_article")
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestArticleForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return RequestArticleForm

    def save_model(self, request, obj: Article, form, change):
        if not change:
            obj.created_by = request.user
        elif obj.is_visible and form.has_changed() and "modified_at" not in form.changed_data:
            obj.modified_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["slug", "article__headline"]
    raw_id_fields = ["article"]
