"""Admin helpers shared by the apps."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


class ReadOnlyAdminMixin:
    """Read-only admin pages: for rows made by readers, mail or jobs, or no longer editable.

    `editable` names what editors may still do ("add", "change", "delete"; nothing by
    default), and `locked(obj)` when even that stops for one object (for an inline: its
    parent). The model permissions decide the rest. For ModelAdmin and inlines alike.
    """

    editable: frozenset[str] = frozenset()

    def locked(self, obj) -> bool:
        return False

    def _may(self, action: str, obj) -> bool:
        return action in self.editable and (obj is None or not self.locked(obj))

    def has_add_permission(self, request, *args) -> bool:
        # ModelAdmin passes only the request; an inline also passes its parent object.
        parent = args[0] if args else None
        return self._may("add", parent) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may("change", obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may("delete", obj) and super().has_delete_permission(request, obj)


class WholeNumberSelectionMixin:
    """Admin actions ignore selected ids that are not whole numbers (else a 500 on garbage)."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        ids = [value for value in selected if value.isdigit() and len(value) <= 18]
        if ids != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, ids)
        return super().response_action(request, queryset)


class NeuterNounMessagesMixin:
    """Dutch save messages for a model whose noun takes “het”: “Het artikel … is gewijzigd.”

    Django's Dutch catalogue writes “De {name} … is met succes gewijzigd.” for every model;
    its messages get the right article and the plainer wording here.
    """

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if (get_language() or "").startswith("nl"):
            message = self.neuter_message(message)
        return super().message_user(request, message, level, *args, **kwargs)

    def neuter_message(self, message):
        name = str(self.opts.verbose_name)
        text = (
            str(message)
            .replace(f"De {name} ", f"Het {name} ")
            .replace(" is met succes ", " is ")
            .replace("U kunt deze hieronder", "U kunt het hieronder")
        )
        # Words swapped for words: what was safe HTML stays safe.
        return mark_safe(text) if isinstance(message, SafeString) else text  # noqa: S308
