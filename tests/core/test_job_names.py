"""Every job name resolves to a function, and records written before names existed still run."""

import pytest

from bot.jobs import names
from bot.jobs.names import Job
from workers.schedule import PERIODIC


def test_every_registered_job_resolves_to_a_function():
    names.check()
    assert all(callable(names.resolve(job)) for job in Job)


def test_a_record_from_before_the_names_still_resolves_by_its_dotted_path():
    assert names.resolve("workers.photos.read_photo") is names.resolve(Job.READ_PHOTO)


@pytest.mark.parametrize("name", ["os.system", "workers.photos", "", "photos.read.extra"])
def test_a_name_outside_the_registry_is_refused(name):
    with pytest.raises(names.UnknownJob):
        names.resolve(name)


def test_the_runner_of_recorded_jobs_resolves_as_in_process_runs_need():
    from bot.jobs import dispatch, runner

    assert names.resolve(dispatch.RUN) is runner.run


def test_every_periodic_job_is_a_registered_job():
    """The scheduler enqueues each periodic function by its registered name; one missing from
    the registry stopped the scheduler's clock at its first tick."""
    registered = set(names.REGISTRY.values())
    assert [f"{func.__module__}.{func.__name__}" for func, _ in PERIODIC
            if f"{func.__module__}.{func.__name__}" not in registered] == []
