"""Registers for the import tests, written here: a CSV file from its lines, and the import run on
it as the admin and the command run it (the file's own name as the filename)."""

from agreements.register.run import import_register


def write(tmp_path, lines, name="register.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, *, dry_run=False, **kwargs):
    return import_register(path, filename=path.name, dry_run=dry_run, **kwargs)
