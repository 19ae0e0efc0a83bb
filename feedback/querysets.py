from datetime import timedelta

from django.db import models
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, NullIf, Sqrt
from django.utils import timezone

# 95% confidence for the Wilson score interval.
WILSON_Z = 1.96


class UsefulnessQuerySet(models.QuerySet):
    """Articles annotated with their votes, for the editors' most/least useful list."""

    def published_within(self, *, days: int) -> "UsefulnessQuerySet":
        return self.filter(published_at__gte=timezone.now() - timedelta(days=days))

    def with_usefulness(self) -> "UsefulnessQuerySet":
        from .models import Vote

        reasons = {
            f"reason_{value}": Count("votes", filter=Q(votes__reason=value))
            for value in Vote.Reason.values
        }
        n = Cast(NullIf(F("votes_total"), 0), FloatField())
        p = Cast(F("votes_yes"), FloatField()) / n
        z = Value(WILSON_Z)
        z2 = Value(WILSON_Z**2)
        return (
            self.annotate(
                votes_total=Count("votes"),
                votes_yes=Count("votes", filter=Q(votes__useful=True)),
                **reasons,
            )
            .filter(votes_total__gt=0)
            .annotate(
                votes_no=F("votes_total") - F("votes_yes"),
                share_yes=p,
                # Lower bound of the Wilson score interval: ranks 9 of 10 above 1 of 1.
                wilson_lower=(p + z2 / (2 * n) - z * Sqrt(p * (1 - p) / n + z2 / (4 * n * n)))
                / (1 + z2 / n),
            )
        )


class TypoReportQuerySet(models.QuerySet):
    def open(self) -> "TypoReportQuerySet":
        return self.filter(status__in=[self.model.Status.NEW, self.model.Status.IN_PROGRESS])
