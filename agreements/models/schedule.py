"""What the worker has run, for whom and when: one row per job, slot and recipient (an hour for
the hourly jobs, the digest's week and address for the digest), claimed before the job runs.

Any number of workers, started together or restarted in the middle of a slot, run each job once
per slot: a worker claims the row in the transaction that does the job; a second worker's claim
waits on the first's unique key until the first commits, then finds it taken. A job that fails
rolls its claim back with it, so the next round tries again. (In the manner of healthchecks'
`next_report_date`, with the state in the database instead of one process's memory.)
"""

from django.db import connection, models


class ScheduledRun(models.Model):
    job = models.CharField(max_length=40)
    slot = models.CharField(max_length=40, help_text="Which run: an hour or the digest's week.")
    recipient = models.CharField(max_length=254, blank=True, help_text="For the digest.")
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "slot", "recipient"], name="agreements_scheduled_run_once"
            )
        ]

    def __str__(self):
        return f"{self.job} {self.slot} {self.recipient}".strip()


def claim(job: str, slot: str, recipient: str = "") -> bool:
    """True when this transaction took the run (do the job before committing); False when
    another has (waiting for it to commit or roll back first). Call it inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{ScheduledRun._meta.db_table}" (job, slot, recipient, ran_at) '
            "VALUES (%s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id",
            [job, slot, recipient],
        )
        return cursor.fetchone() is not None


def was_run(job: str, slot: str) -> bool:
    return ScheduledRun.objects.filter(job=job, slot=slot).exists()
