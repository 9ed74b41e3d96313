"""Create one auth group per role of DESIGN.md §6 (the group name is the role name)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLES = ("admin", "analyst", "reviewer", "communicator", "liaison", "member")


def create_groups(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


def remove_groups(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
