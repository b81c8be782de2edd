"""What the bulk demo seeder has loaded, so that running it again with the same seed adds
nothing and an interrupted run resumes where it stopped."""

from django.db import models


class SeedRun(models.Model):
    # e.g. "national:seed=7:factor=1"
    key = models.CharField(max_length=80, unique=True)
    # Stages finished, the ledger's progress and the row counts written, by name.
    progress = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
