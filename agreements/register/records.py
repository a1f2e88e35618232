"""What the registers of meetings, follow-ups, organizations and people share: a row's record
(its fields, and the lists and links it names by reference), finding the existing records by
reference, resolving the references a row makes to records of other kinds (a chunk at a time,
with a clear problem for one that is missing), writing a chunk of new records in a query per
table, and exporting a record as a row in the same layout.

Each of those registers is a `Layout`: its model, its plain fields (a column each, under the
field's name), its states (a code each), its links (a column naming another kind's record by
reference) and its lists (many-to-many: states, sectors, sources, or records by reference).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from agreements.models import Sector, Source
from agreements.register.cells import (
    OWN_REFERENCE,
    Kind,
    Problem,
    forget_prefetched,
    reference_of,
    sources_named,
)


@dataclass
class Record:
    """What a row says of one record. `fields` holds model attribute names (a state as its
    code: `host_id`); `names` the lists and links as the register writes them (codes, slugs,
    source keys, references). `ids` is what the references resolved to, for writing only."""

    reference: str
    fields: dict
    names: dict
    ids: dict = field(default_factory=dict, compare=False)
    # What a kind reads only when it writes (a follow-up's status_on), never compared.
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Link:
    """A column that names records of another kind by reference: a foreign key (`attname`),
    a many-to-many field (`m2m`), or the other kind's foreign key to this one (`reverse`, the
    related name, and `reverse_field`, the other kind's field: a meeting's instruments)."""

    model: type
    attname: str = ""
    m2m: str = ""
    reverse: str = ""
    reverse_field: str = ""


class Layout:
    model: type[models.Model]
    plain: list[str] = []  # model fields copied as they are, a column each
    states: dict[str, str] = {}  # column -> the foreign key's attname (a state's code)
    links: dict[str, Link] = {}  # column -> another kind's record(s), by reference
    lists: dict[str, str] = {}  # column -> many-to-many of states, sectors or sources
    select: list[str] = []  # what record_of reads through foreign keys

    # --- Reading back what exists ---

    def queryset(self):
        m2m = [
            *self.lists.values(),
            *(link.m2m or link.reverse for link in self.links.values() if not link.attname),
        ]
        queryset = self.model.objects.prefetch_related(*m2m).order_by("pk")
        return queryset.select_related(*self.select) if self.select else queryset

    def find_existing(self, references: list[str]) -> dict:
        """The records these references name: by their own reference, or by Bilateral's
        `BIL-<id>` for one that has none."""
        found = {
            obj.reference: obj
            for obj in self.queryset().filter(reference__in=references).exclude(reference="")
        }
        own = {
            int(match[1]): reference
            for reference in references
            if reference not in found and (match := OWN_REFERENCE.fullmatch(reference))
        }
        if own:
            for obj in self.queryset().filter(pk__in=own, reference=""):
                found[own[obj.pk]] = obj
        return found

    def record_of(self, obj) -> Record:
        names = {}
        for column, attname in self.lists.items():
            names[column] = tuple(sorted(_key(item) for item in getattr(obj, attname).all()))
        for column, link in self.links.items():
            if not link.attname:
                related = getattr(obj, link.m2m or link.reverse).all()
            else:
                target = getattr(obj, link.attname.removesuffix("_id"))
                related = [target] if target is not None else []
            names[column] = tuple(sorted(reference_of(item) for item in related))
        return Record(
            reference=reference_of(obj),
            fields={name: getattr(obj, name) for name in [*self.plain, *self.states.values()]},
            names=names,
        )

    def forget(self, obj) -> None:
        forget_prefetched(obj)

    def export_row(self, obj, columns: list[str]) -> list[str]:
        record = self.record_of(obj)
        values = {"reference": record.reference}
        for name in self.plain:
            values[name] = _cell(record.fields[name])
        for column, attname in self.states.items():
            values[column] = record.fields[attname] or ""
        for column, names in record.names.items():
            values[column] = "; ".join(names)
        values.update(self.extra_cells(obj))
        return [values.get(column, "") for column in columns]

    def extra_cells(self, obj) -> dict:
        return {}

    def kind(self, *, name: str, model, columns: list[str], required, reader) -> Kind:
        """The register of this layout: its columns and reader, and this layout's ways."""
        return Kind(
            name=name,
            model=model,
            columns=columns,
            required=required,
            reader=reader,
            find_existing=self.find_existing,
            record_of=self.record_of,
            writer=self.writer,
            queryset=self.queryset,
            export_row=lambda obj: self.export_row(obj, columns),
            forget=self.forget,
            resolve=self.resolve,
        )

    # --- Resolving references to other kinds ---

    def resolve(self, records: list[tuple[int, Record]]) -> list[Problem]:
        """Find, in a query per column, the records each row names by reference; a missing one
        is a problem of its row and column."""
        problems = []
        for column, link in self.links.items():
            wanted = {name for _, record in records for name in record.names.get(column, ())}
            found = find_references(link.model, wanted)
            found.update(self.find_by_other_names(column, wanted - set(found)))
            for number, record in records:
                ids, names = [], []
                for name in record.names.get(column, ()):
                    if name in found and isinstance(found[name], str):
                        problems.append(Problem(number, column, found[name]))
                    elif name in found:
                        pk, canonical = found[name]
                        ids.append(pk)
                        names.append(canonical)
                    else:
                        problems.append(Problem(number, column, self.missing(column, link, name)))
                record.ids[column] = ids
                record.names[column] = tuple(sorted(names))
        return problems

    def find_by_other_names(self, column: str, names: set[str]) -> dict:
        """Names that are not references but say which record another way (a meeting by its
        title and date): name -> (pk, reference), or name -> the reason it says none."""
        return {}

    def missing(self, column: str, link: Link, name: str) -> str:
        meta = link.model._meta
        return (
            f"no {meta.verbose_name} has the reference '{name}'; import the "
            f"{meta.verbose_name_plural} first."
        )

    # --- Writing ---

    def writer(self, *, filename: str, user):
        return Writer(self, filename=filename, user=user)

    def check(self, obj) -> None:
        """The model's own rules, checked in Python before a chunk is written (asking the
        database would cost a query per constraint per row)."""
        obj.clean_fields()
        for _, message in constraint_problems(obj):
            raise ValidationError(message)

    def after_create(self, pairs, writer) -> None:
        """What a kind writes beside its new records (a follow-up's status update…)."""

    def after_update(self, record: Record, obj, writer) -> None:
        """What a kind writes beside a changed record."""


def find_references(model, names: set[str]) -> dict:
    """name -> (pk, reference as the register writes it) for the records these references
    name."""
    found = {
        reference: (pk, reference)
        for pk, reference in model.objects.filter(reference__in=names)
        .exclude(reference="")
        .values_list("pk", "reference")
    }
    own = {
        int(match[1]): name
        for name in names
        if name not in found and (match := OWN_REFERENCE.fullmatch(name))
    }
    for pk in model.objects.filter(pk__in=own, reference="").values_list("pk", flat=True):
        found[own[pk]] = (pk, own[pk])
    return found


class Writer:
    """Writes a chunk of new records in a query per table, and a changed one through its
    model's validation and save."""

    def __init__(self, layout: Layout, *, filename: str, user):
        self.layout = layout
        self.user = user
        self.filename = filename
        self.note = f"Imported from {filename}."
        self.sectors = {sector.slug: sector.pk for sector in Sector.objects.all()}
        self.sources = {}

    def create(self, records: list[Record]) -> None:
        layout = self.layout
        made = []
        for record in records:
            obj = layout.model(reference=record.reference, **record.fields, **self._links(record))
            layout.check(obj)
            made.append(obj)
        layout.model.objects.bulk_create(made)
        pairs = list(zip(made, records, strict=True))
        for column, m2m in self._many_to_many().items():
            relation = getattr(layout.model, m2m)
            through = relation.through
            source_name = relation.field.m2m_field_name()
            target_name = relation.field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{source_name}_id": obj.pk, f"{target_name}_id": pk})
                for obj, record in pairs
                for pk in self._pks(column, record)
            )
        for column, link in self._reverse_links().items():
            for obj, record in pairs:
                link.model.objects.filter(pk__in=record.ids[column]).update(
                    **{link.reverse_field: obj}
                )
        layout.after_create(pairs, self)

    def update(self, record: Record, obj) -> None:
        layout = self.layout
        current = layout.record_of(obj)
        fields = {**record.fields, **self._links(record)}
        if record.reference != current.reference and not OWN_REFERENCE.fullmatch(record.reference):
            fields["reference"] = record.reference
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        for column, m2m in self._many_to_many().items():
            if current.names.get(column) != record.names.get(column):
                getattr(obj, m2m).set(self._pks(column, record))
        for column, link in self._reverse_links().items():
            if current.names.get(column) != record.names.get(column):
                targets = link.model.objects
                targets.filter(**{link.reverse_field: obj}).exclude(
                    pk__in=record.ids[column]
                ).update(**{link.reverse_field: None})
                targets.filter(pk__in=record.ids[column]).update(**{link.reverse_field: obj})
        layout.after_update(record, obj, self)

    def _links(self, record: Record) -> dict:
        return {
            link.attname: (record.ids.get(column) or [None])[0]
            for column, link in self.layout.links.items()
            if link.attname
        }

    def _reverse_links(self) -> dict[str, Link]:
        return {column: link for column, link in self.layout.links.items() if link.reverse}

    def _many_to_many(self) -> dict[str, str]:
        links = {column: link.m2m for column, link in self.layout.links.items() if link.m2m}
        return {**self.layout.lists, **links}

    def _pks(self, column: str, record: Record) -> list:
        if column in self.layout.links:
            return record.ids[column]
        names = record.names[column]
        if column == "sectors":
            return [self.sectors[slug] for slug in names]
        if column == "sources":
            return [source.pk for source in sources_named(names, self.sources)]
        return list(names)  # states, by their codes


def _key(item) -> str:
    """How the register names a state, a sector or a source."""
    if isinstance(item, Sector):
        return item.slug
    if isinstance(item, Source):
        return source_key(item)
    return item.pk


def source_key(source: Source) -> str:
    return source.url or source.title


def constraint_problems(obj):
    """(column, message) for each check constraint of its model that `obj` (unsaved) breaks,
    named by the first field the constraint reads, in the model's own words."""
    for constraint in obj._meta.constraints:
        if isinstance(constraint, models.CheckConstraint) and not _holds(constraint.condition, obj):
            yield _first_field(constraint.condition), constraint.violation_error_message


def _first_field(condition) -> str:
    from django.db.models import Q

    child = condition.children[0]
    return _first_field(child) if isinstance(child, Q) else child[0].partition("__")[0]


def _holds(condition, obj) -> bool:
    """A check constraint's condition evaluated on an unsaved object, for the simple shapes the
    models use: AND/OR/NOT of `field__isnull`, `field__in`, `field__gte=F(other)`."""
    from django.db.models import F, Q

    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, obj))
            continue
        lookup, value = child
        name, _, operator = lookup.partition("__")
        mine = getattr(obj, obj._meta.get_field(name).attname)
        if isinstance(value, F):
            value = getattr(obj, obj._meta.get_field(value.name).attname)
        if operator == "isnull":
            result = (mine is None) == value
        elif operator == "in":
            result = mine in value
        elif operator == "gte":
            result = mine is None or value is None or mine >= value
        else:
            result = mine == value
        results.append(result)
    held = all(results) if condition.connector == "AND" else any(results)
    return not held if condition.negated else held


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
