"""Two invariants the ORM cannot declare, kept by PostgreSQL itself:

- only a party can act: (instrument, state) of a party action must be a row of instrument parties
  (a composite foreign key);
- an instrument has at least two parties, checked at commit (a deferred constraint trigger), so an
  instrument and its parties can be written in one transaction in any order.

Both are deferred to commit; the admin and the services refuse the same things earlier with a
readable message.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE agreements_partyaction
    ADD CONSTRAINT agreements_partyaction_by_a_party
    FOREIGN KEY (instrument_id, state_id)
    REFERENCES agreements_instrumentparty (instrument_id, state_id)
    DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION agreements_instrument_has_two_parties() RETURNS trigger AS $$
DECLARE
    checked_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'agreements_instrument' THEN
        checked_id := NEW.id;
    ELSE
        checked_id := OLD.instrument_id;
    END IF;
    IF EXISTS (SELECT 1 FROM agreements_instrument WHERE id = checked_id)
       AND (SELECT count(*) FROM agreements_instrumentparty WHERE instrument_id = checked_id) < 2
    THEN
        RAISE EXCEPTION 'An instrument needs at least two parties (instrument %).', checked_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'agreements_instrument_two_parties';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER agreements_instrument_two_parties
    AFTER INSERT ON agreements_instrument
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION agreements_instrument_has_two_parties();

CREATE CONSTRAINT TRIGGER agreements_instrumentparty_two_parties
    AFTER UPDATE OR DELETE ON agreements_instrumentparty
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION agreements_instrument_has_two_parties();
"""

BACKWARD = """
DROP TRIGGER agreements_instrumentparty_two_parties ON agreements_instrumentparty;
DROP TRIGGER agreements_instrument_two_parties ON agreements_instrument;
DROP FUNCTION agreements_instrument_has_two_parties();
ALTER TABLE agreements_partyaction DROP CONSTRAINT agreements_partyaction_by_a_party;
"""


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_reference_data_and_roles")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
