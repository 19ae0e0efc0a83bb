from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProofingConfig(AppConfig):
    name = "proofing"
    verbose_name = _("Proofing")
