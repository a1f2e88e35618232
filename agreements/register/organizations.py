"""The register of organizations (ministries, agencies, companies): reference, name, the state
it acts for, and its kind. Two organizations of one state cannot share a name."""

from agreements.models import Organization
from agreements.register.cells import CellReader, Problem, reference_of
from agreements.register.records import Layout, Record

COLUMNS = ["reference", "name", "state", "kind"]
REQUIRED = ["reference", "name", "state"]


class Reader(CellReader):
    columns = COLUMNS
    required = REQUIRED

    def read(self, number: int, cells: dict) -> Record:
        get = self.start(number, cells)
        self.text(get, "reference", Organization)
        fields = {
            "name": self.text(get, "name", Organization),
            "kind": self.choice("kind", get["kind"], Organization.Kind)
            or Organization.Kind.MINISTRY,
            "state_id": self.state("state", get["state"]) if get["state"] else None,
        }
        self.finish()
        return Record(reference=get["reference"], fields=fields, names={})


class Organizations(Layout):
    model = Organization
    plain = ["name", "kind"]
    states = {"state": "state_id"}

    def resolve(self, records: list[tuple[int, Record]]) -> list[Problem]:
        """A row that names an organization its state already has under another reference
        would break the rule of one name per state: said here, on its row."""
        names = {record.fields["name"] for _, record in records}
        taken = {
            (organization.state_id, organization.name): reference_of(organization)
            for organization in Organization.objects.filter(name__in=names)
        }
        problems = []
        for number, record in records:
            other = taken.get((record.fields["state_id"], record.fields["name"]))
            if other is not None and other != record.reference:
                problems.append(
                    Problem(
                        number,
                        "name",
                        f"{record.fields['state_id']} already has an organization called "
                        f"'{record.fields['name']}', with the reference '{other}': give that "
                        "reference to update it.",
                    )
                )
        return problems


LAYOUT = Organizations()
KIND = LAYOUT.kind(
    name="organizations", model=Organization, columns=COLUMNS, required=REQUIRED, reader=Reader
)
