"""The default views of the staff portal are saved views too (issue 9)."""

from django.db import migrations

# As tickets.search.saved.DEFAULT_VIEWS (a migration keeps its own copy).
DEFAULT_VIEWS = (
    ("My open tickets", "assignee=me&status=active"),
    ("Unassigned in my departments", "assignee=none&status=active"),
    ("Waiting on customer", "status=pending"),
    ("Recently solved", "status=solved&period=7d&sort=activity"),
)


def create(apps, schema_editor):
    SavedView = apps.get_model("search", "SavedView")
    for position, (name, query) in enumerate(DEFAULT_VIEWS):
        SavedView.objects.get_or_create(
            name=name, owner=None, department=None, defaults={"query": query, "position": position}
        )


def remove(apps, schema_editor):
    SavedView = apps.get_model("search", "SavedView")
    names = [name for name, _query in DEFAULT_VIEWS]
    SavedView.objects.filter(name__in=names, owner=None, department=None).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_columns")]

    operations = [migrations.RunPython(create, remove)]
