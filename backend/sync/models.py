from django.db import models


class ChangeCounter(models.Model):
    """The server's change sequence: one row, one number that only grows.

    Every write to a syncable table takes the next number inside its own transaction (see
    changes.next_seq). `pruned_through` is the highest sequence whose tombstones were purged:
    a client that last pulled before it must reset.
    """

    value = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="change_counter_single_row")
        ]

    def __str__(self) -> str:
        return f"change sequence at {self.value}"


class Tombstone(models.Model):
    """A record that left a client's view: deleted, voided or erased. Kept for a while."""

    table = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64)
    seq = models.BigIntegerField(db_index=True)
    deleted_at = models.DateTimeField(auto_now_add=True)
    # Who should hear about it: the owner of the record and/or everyone who sees a programme's
    # records of this table. Each table declaration decides how these are used.
    user_id_scope = models.BigIntegerField(null=True, blank=True, db_index=True)
    programme_id_scope = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["table", "seq"])]

    def __str__(self) -> str:
        return f"{self.table}:{self.record_id}@{self.seq}"


class Creation(models.Model):
    """When a syncable record appeared, for whom, and from which device.

    A pull sends a changed record as `created` when it appeared after the device's
    `last_pulled_at` (the device cannot have it), else as `updated`. A record appears when it
    is created (for everyone who may see it: no user scope) or when it enters one person's view
    through a join (a participant enrolled in a cohort: scoped to them). A record pushed by a
    device carries that device's key (a hash of its session): it already holds the record, so
    its own next pull sends it as `updated`.
    """

    table = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    user_id_scope = models.BigIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["table", "record_id"]), models.Index(fields=["seq"])]

    def __str__(self) -> str:
        return f"{self.table}:{self.record_id} appeared @{self.seq}"
