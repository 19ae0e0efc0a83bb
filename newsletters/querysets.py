from django.db import models
from django.db.models import Count, Q


class SubscriberQuerySet(models.QuerySet):
    def receiving(self) -> "SubscriberQuerySet":
        """Subscribers an edition goes to: the one place this rule lives."""
        from .models import Subscriber

        return self.filter(status=Subscriber.Status.CONFIRMED)


class EditionQuerySet(models.QuerySet):
    def public(self) -> "EditionQuerySet":
        """Editions readers may see on the web: those whose send has started."""
        from .models import Edition

        return self.filter(status__in=Edition.Status.public())


class DeliveryQuerySet(models.QuerySet):
    def progress(self) -> dict[str, int]:
        from .models import Delivery

        S = Delivery.Status
        return self.aggregate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(status=S.SENT)),
            failed=Count("pk", filter=Q(status=S.FAILED)),
            skipped=Count("pk", filter=Q(status=S.SKIPPED)),
            remaining=Count("pk", filter=Q(status__in=[S.QUEUED, S.SENDING])),
        )
