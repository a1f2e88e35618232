"""The triggers that keep the pair rows (`agreements/models/pairs.py`) true, and their first fill.

An instrument's pairs follow its parties; a meeting's, its states; a follow-up's, the meeting and
the instrument where it was promised. Each refresh function rewrites the rows of one object from
those sources, and the instrument and meeting ones then refresh the follow-ups promised there.
Only the rows that come, go or change are written, so that adding a party to a large convention
costs its new pairs, not all of them. Each refresh first locks the object's row: two writers
adding parties to one instrument at once take turns, and the second, reading again once the
first has committed, sees both parties (without it each would miss the pair of the other's
party and its own). Copied columns (status, dates, title) are rewritten when
they change. Extended statistics tell the planner how many rows a pair holds: the two codes are
not independent.
"""

from django.db import migrations

FUNCTIONS = """
-- A follow-up's pairs: its meeting's and its instrument's.
CREATE FUNCTION agreements_action_pairs_of(target bigint)
RETURNS TABLE (state_a varchar, state_b varchar) AS $$
    SELECT p.state_a, p.state_b FROM agreements_meetingpair p
    JOIN agreements_followupaction f ON f.origin_meeting_id = p.meeting_id WHERE f.id = target
    UNION
    SELECT p.state_a, p.state_b FROM agreements_instrumentpair p
    JOIN agreements_followupaction f ON f.origin_instrument_id = p.instrument_id WHERE f.id = target
$$ LANGUAGE sql STABLE;

CREATE FUNCTION agreements_refresh_action_pairs(target bigint) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM agreements_followupaction WHERE id = target FOR NO KEY UPDATE;
    DELETE FROM agreements_followuppair p
    WHERE p.action_id = target AND (p.state_a, p.state_b) NOT IN (
        SELECT state_a, state_b FROM agreements_action_pairs_of(target)
    );
    INSERT INTO agreements_followuppair AS p
        (state_a, state_b, action_id, status, agreed_on, due_on, title)
    SELECT pair.state_a, pair.state_b, f.id, f.status, f.agreed_on, f.due_on, f.title
    FROM agreements_followupaction f CROSS JOIN agreements_action_pairs_of(target) pair
    WHERE f.id = target
    ON CONFLICT (state_a, state_b, action_id) DO UPDATE
    SET status = excluded.status, agreed_on = excluded.agreed_on, due_on = excluded.due_on,
        title = excluded.title
    WHERE (p.status, p.agreed_on, p.due_on, p.title)
        IS DISTINCT FROM (excluded.status, excluded.agreed_on, excluded.due_on, excluded.title);
END;
$$ LANGUAGE plpgsql;

-- Only the pairs that come or go are written: adding the twentieth party to a convention writes
-- nineteen rows, not all 190.
CREATE FUNCTION agreements_refresh_instrument_pairs(target bigint) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM agreements_instrument WHERE id = target FOR NO KEY UPDATE;
    DELETE FROM agreements_instrumentpair p
    WHERE p.instrument_id = target AND NOT (
        EXISTS (SELECT 1 FROM agreements_instrumentparty
                WHERE instrument_id = target AND state_id = p.state_a)
        AND EXISTS (SELECT 1 FROM agreements_instrumentparty
                    WHERE instrument_id = target AND state_id = p.state_b)
    );
    INSERT INTO agreements_instrumentpair
        (state_a, state_b, instrument_id, status, signed_on, title)
    SELECT a.state_id, b.state_id, i.id, i.status, i.signed_on, i.title
    FROM agreements_instrument i
    JOIN agreements_instrumentparty a ON a.instrument_id = i.id
    JOIN agreements_instrumentparty b ON b.instrument_id = i.id AND a.state_id < b.state_id
    WHERE i.id = target
    ON CONFLICT DO NOTHING;
    PERFORM agreements_refresh_action_pairs(f.id)
    FROM agreements_followupaction f WHERE f.origin_instrument_id = target;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_refresh_meeting_pairs(target bigint) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM agreements_meeting WHERE id = target FOR NO KEY UPDATE;
    DELETE FROM agreements_meetingpair p
    WHERE p.meeting_id = target AND NOT (
        EXISTS (SELECT 1 FROM agreements_meeting_states
                WHERE meeting_id = target AND state_id = p.state_a)
        AND EXISTS (SELECT 1 FROM agreements_meeting_states
                    WHERE meeting_id = target AND state_id = p.state_b)
    );
    INSERT INTO agreements_meetingpair (state_a, state_b, meeting_id, starts_on)
    SELECT a.state_id, b.state_id, m.id, m.starts_on
    FROM agreements_meeting m
    JOIN agreements_meeting_states a ON a.meeting_id = m.id
    JOIN agreements_meeting_states b ON b.meeting_id = m.id AND a.state_id < b.state_id
    WHERE m.id = target
    ON CONFLICT DO NOTHING;
    PERFORM agreements_refresh_action_pairs(f.id)
    FROM agreements_followupaction f WHERE f.origin_meeting_id = target;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_refresh_all_pairs() RETURNS void AS $$
BEGIN
    DELETE FROM agreements_followuppair;
    DELETE FROM agreements_instrumentpair;
    DELETE FROM agreements_meetingpair;
    INSERT INTO agreements_instrumentpair
        (state_a, state_b, instrument_id, status, signed_on, title)
    SELECT a.state_id, b.state_id, i.id, i.status, i.signed_on, i.title
    FROM agreements_instrument i
    JOIN agreements_instrumentparty a ON a.instrument_id = i.id
    JOIN agreements_instrumentparty b ON b.instrument_id = i.id AND a.state_id < b.state_id;
    INSERT INTO agreements_meetingpair (state_a, state_b, meeting_id, starts_on)
    SELECT a.state_id, b.state_id, m.id, m.starts_on
    FROM agreements_meeting m
    JOIN agreements_meeting_states a ON a.meeting_id = m.id
    JOIN agreements_meeting_states b ON b.meeting_id = m.id AND a.state_id < b.state_id;
    INSERT INTO agreements_followuppair
        (state_a, state_b, action_id, status, agreed_on, due_on, title)
    SELECT p.state_a, p.state_b, f.id, f.status, f.agreed_on, f.due_on, f.title
    FROM agreements_followupaction f
    JOIN agreements_meetingpair p ON p.meeting_id = f.origin_meeting_id;
    INSERT INTO agreements_followuppair
        (state_a, state_b, action_id, status, agreed_on, due_on, title)
    SELECT p.state_a, p.state_b, f.id, f.status, f.agreed_on, f.due_on, f.title
    FROM agreements_followupaction f
    JOIN agreements_instrumentpair p ON p.instrument_id = f.origin_instrument_id
    ON CONFLICT DO NOTHING;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_party_pairs() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM agreements_refresh_instrument_pairs(OLD.instrument_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.instrument_id <> OLD.instrument_id) THEN
        PERFORM agreements_refresh_instrument_pairs(NEW.instrument_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_meeting_state_pairs() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM agreements_refresh_meeting_pairs(OLD.meeting_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.meeting_id <> OLD.meeting_id) THEN
        PERFORM agreements_refresh_meeting_pairs(NEW.meeting_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_instrument_pair_columns() RETURNS trigger AS $$
BEGIN
    UPDATE agreements_instrumentpair
    SET status = NEW.status, signed_on = NEW.signed_on, title = NEW.title
    WHERE instrument_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_meeting_pair_columns() RETURNS trigger AS $$
BEGIN
    UPDATE agreements_meetingpair SET starts_on = NEW.starts_on WHERE meeting_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION agreements_action_pairs() RETURNS trigger AS $$
BEGIN
    PERFORM agreements_refresh_action_pairs(NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER agreements_party_pairs
AFTER INSERT OR DELETE OR UPDATE OF instrument_id, state_id ON agreements_instrumentparty
FOR EACH ROW EXECUTE FUNCTION agreements_party_pairs();

CREATE TRIGGER agreements_meeting_state_pairs
AFTER INSERT OR DELETE OR UPDATE ON agreements_meeting_states
FOR EACH ROW EXECUTE FUNCTION agreements_meeting_state_pairs();

CREATE TRIGGER agreements_instrument_pair_columns
AFTER UPDATE ON agreements_instrument FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.signed_on IS DISTINCT FROM NEW.signed_on
      OR OLD.title IS DISTINCT FROM NEW.title)
EXECUTE FUNCTION agreements_instrument_pair_columns();

CREATE TRIGGER agreements_meeting_pair_columns
AFTER UPDATE ON agreements_meeting FOR EACH ROW
WHEN (OLD.starts_on IS DISTINCT FROM NEW.starts_on)
EXECUTE FUNCTION agreements_meeting_pair_columns();

CREATE TRIGGER agreements_action_pairs_insert
AFTER INSERT ON agreements_followupaction
FOR EACH ROW EXECUTE FUNCTION agreements_action_pairs();

CREATE TRIGGER agreements_action_pairs_update
AFTER UPDATE ON agreements_followupaction FOR EACH ROW
WHEN (OLD.origin_meeting_id IS DISTINCT FROM NEW.origin_meeting_id
      OR OLD.origin_instrument_id IS DISTINCT FROM NEW.origin_instrument_id
      OR OLD.status IS DISTINCT FROM NEW.status OR OLD.agreed_on IS DISTINCT FROM NEW.agreed_on
      OR OLD.due_on IS DISTINCT FROM NEW.due_on OR OLD.title IS DISTINCT FROM NEW.title)
EXECUTE FUNCTION agreements_action_pairs();

CREATE STATISTICS agreements_instrumentpair_codes (dependencies, mcv)
ON state_a, state_b FROM agreements_instrumentpair;
CREATE STATISTICS agreements_meetingpair_codes (dependencies, mcv)
ON state_a, state_b FROM agreements_meetingpair;
CREATE STATISTICS agreements_followuppair_codes (dependencies, mcv)
ON state_a, state_b FROM agreements_followuppair;

SELECT agreements_refresh_all_pairs();
"""

DROP = """
DROP STATISTICS agreements_instrumentpair_codes, agreements_meetingpair_codes,
    agreements_followuppair_codes;
DROP TRIGGER agreements_party_pairs ON agreements_instrumentparty;
DROP TRIGGER agreements_meeting_state_pairs ON agreements_meeting_states;
DROP TRIGGER agreements_instrument_pair_columns ON agreements_instrument;
DROP TRIGGER agreements_meeting_pair_columns ON agreements_meeting;
DROP TRIGGER agreements_action_pairs_insert ON agreements_followupaction;
DROP TRIGGER agreements_action_pairs_update ON agreements_followupaction;
DROP FUNCTION agreements_party_pairs(), agreements_meeting_state_pairs(),
    agreements_instrument_pair_columns(), agreements_meeting_pair_columns(),
    agreements_action_pairs(), agreements_refresh_all_pairs(),
    agreements_refresh_meeting_pairs(bigint), agreements_refresh_instrument_pairs(bigint),
    agreements_refresh_action_pairs(bigint), agreements_action_pairs_of(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("agreements", "0012_pairs")]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
