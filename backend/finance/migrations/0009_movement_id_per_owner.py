"""Savings movement ids become unique per owner, not per goal.

A phone holds all of its owner's deposits and withdrawals (of every goal) in one table keyed
by id, so two goals of one person cannot share an id. The goal's owner is copied onto each
row, and the database keeps each owner's ids unique.

No row is deleted. Where one person already used an id in several goals, the oldest movement
keeps it and the others get fresh ids; all of them take a new change number, so her phones
hear of the kept one as updated (the phone held one of them under that id) and of the
renamed ones as created.
"""

import secrets
import string
from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery

ALPHABET = string.ascii_letters + string.digits


def _checks_now(schema_editor: Any) -> None:
    """PostgreSQL: foreign keys checked at each statement, not at commit, so the table can be
    altered after its rows are updated (PostgreSQL refuses while a check is pending)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _fresh_id(taken: set[str]) -> str:
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(16))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def copy_owners(apps: Any, schema_editor: Any) -> None:
    _checks_now(schema_editor)
    movement = apps.get_model("finance", "SavingsMovement")
    goal = apps.get_model("finance", "SavingsGoal")
    movement.objects.update(
        owner_id=Subquery(goal.objects.filter(pk=OuterRef("goal_id")).values("user_id")[:1])
    )
    shared = list(
        movement.objects.values("owner_id", "sync_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("owner_id", "sync_id")
    )
    if not shared:
        return
    counter_model = apps.get_model("sync", "ChangeCounter")
    creation = apps.get_model("sync", "Creation")
    counter, _created = counter_model.objects.get_or_create(pk=1, defaults={"value": 0})
    counter.value += 1
    counter.save(update_fields=["value"])
    seq = counter.value
    for key in shared:
        owner_id = key["owner_id"]
        rows = list(
            movement.objects.filter(owner_id=owner_id, sync_id=key["sync_id"]).order_by(
                "created_at", "id"
            )
        )
        taken = set(movement.objects.filter(owner_id=owner_id).values_list("sync_id", flat=True))
        for i, row in enumerate(rows):
            if i:
                row.sync_id = _fresh_id(taken)
                creation.objects.create(
                    table="savings_deposits",
                    record_id=row.sync_id,
                    seq=seq,
                    user_id_scope=owner_id,
                )
            row.changed_seq = seq
            row.save(update_fields=["sync_id", "changed_seq"])


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0008_core_pack"),
        ("sync", "0004_counter_starts_at_one"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="savingsmovement",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.RunPython(copy_owners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="savingsmovement",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="savingsmovement",
            name="savings_movement_sync_id_per_owner",
        ),
        migrations.AddConstraint(
            model_name="savingsmovement",
            constraint=models.UniqueConstraint(
                fields=("owner", "sync_id"), name="savings_movement_sync_id_per_owner"
            ),
        ),
    ]
