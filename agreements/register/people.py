"""The register of people: reference, name, position, the organization they belong to (by its
reference, or by its name when only one organization has it) and e-mail."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from agreements.models import Organization, Person
from agreements.register.cells import CellReader, did_you_mean, reference_of
from agreements.register.records import Layout, Link, Record

COLUMNS = ["reference", "name", "position", "organization", "email"]
REQUIRED = ["reference", "name"]


class Reader(CellReader):
    columns = COLUMNS
    required = REQUIRED

    def read(self, number: int, cells: dict) -> Record:
        get = self.start(number, cells)
        self.text(get, "reference", Person)
        fields = {
            "name": self.text(get, "name", Person),
            "position": self.text(get, "position", Person),
            "email": get["email"],
        }
        if get["email"]:
            try:
                validate_email(get["email"])
            except ValidationError:
                self.problem("email", f"'{get['email']}' is not an e-mail address.")
        organization = (get["organization"],) if get["organization"] else ()
        self.finish()
        return Record(get["reference"], fields, {"organization": organization})


class People(Layout):
    model = Person
    plain = ["name", "position", "email"]
    links = {"organization": Link(Organization, attname="organization_id")}
    select = ["organization"]

    def find_by_other_names(self, column: str, names: set[str]) -> dict:
        found = {}
        by_name = {}
        for organization in Organization.objects.filter(name__in=names).order_by("state_id"):
            by_name.setdefault(organization.name, []).append(organization)
        for name, organizations in by_name.items():
            if len(organizations) == 1:
                found[name] = (organizations[0].pk, reference_of(organizations[0]))
            else:
                states = ", ".join(o.state_id for o in organizations)
                found[name] = (
                    f"{len(organizations)} organizations are called '{name}' ({states}): "
                    "give its reference."
                )
        return found

    def missing(self, column: str, link: Link, name: str) -> str:
        known = Organization.objects.values_list("name", flat=True)
        return (
            f"'{name}' is neither the reference nor the name of an organization"
            f"{did_you_mean(name, known)}; import the organizations first."
        )


LAYOUT = People()
KIND = LAYOUT.kind(name="people", model=Person, columns=COLUMNS, required=REQUIRED, reader=Reader)
