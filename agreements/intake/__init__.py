"""Intake: turn the text of a report (a press release, a wire story, a communiqué) into a draft of
the meetings, instruments, follow-ups, figures and people it tells of, for an analyst to review
and record in one sitting. See docs/intake.md."""
