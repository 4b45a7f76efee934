"""Helpers for migrations that move a model from one room to another while every row stays where it is.

Called from the RunPython step that follows a state-only `SeparateDatabaseAndState`: the state says the model
now belongs to the new app; these make the database agree. Content types are relabelled in place, so their ids,
and everything that points at them (pages, revisions, log entries, permissions, workflow states, the search and
reference indexes), stay valid.
"""


def adopt_tables(apps, schema_editor, *, app_label: str, legacy_tables: dict[str, str], reverse: bool = False) -> None:
    """Give each model of `app_label` its table: the old app's table renamed if this database has it, else a new one.

    `legacy_tables` maps model names to the old table names. With `reverse`, the tables get their old names back.
    """
    existing = set(schema_editor.connection.introspection.table_names())
    for model_name, legacy_table in legacy_tables.items():
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        if reverse:
            if table in existing:
                schema_editor.alter_db_table(model, table, legacy_table)
        elif legacy_table in existing:
            schema_editor.alter_db_table(model, legacy_table, table)
        elif table not in existing:
            schema_editor.create_model(model)


def relabel_content_types(apps, *, from_app: str, to_app: str, models: list[str]) -> None:
    """Move each model's content type to the new app label, keeping its id."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = content_type_model.objects.filter(app_label=from_app, model=model).first()
        if old is None:
            continue
        # A row for the new label can only come from an interrupted earlier run; the old row carries the data.
        content_type_model.objects.filter(app_label=to_app, model=model).exclude(pk=old.pk).delete()
        old.app_label = to_app
        old.save(update_fields=["app_label"])
    content_type_model.objects.clear_cache()


def ensure_columns(apps, schema_editor, *, app_label: str, fields: dict[str, list[str]]) -> None:
    """Add each field's column unless this database already has it (databases made before the move do)."""
    for model_name, field_names in fields.items():
        model = apps.get_model(app_label, model_name)
        with schema_editor.connection.cursor() as cursor:
            description = schema_editor.connection.introspection.get_table_description(cursor, model._meta.db_table)
        columns = {column.name for column in description}
        for name in field_names:
            field = model._meta.get_field(name)
            if field.column not in columns:
                schema_editor.add_field(model, field)
