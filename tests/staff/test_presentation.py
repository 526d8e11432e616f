"""Counters and waiting times as the staff lists show them (issue 4)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import override

from tickets.templatetags.staff import capped, waited


def test_a_capped_counter_reads_99_plus():
    assert [capped(n, 100) for n in (0, 7, 99, 100)] == ["0", "7", "99", "99+"]
    assert capped(None, 100) == ""


def test_waiting_times_use_their_largest_unit():
    now = timezone.now()
    assert waited(now - timedelta(seconds=20)) == "less than a minute"
    assert waited(now - timedelta(hours=5, minutes=40)) == "5\xa0hours"
    assert waited(now - timedelta(days=3, hours=2)) == "3\xa0days"
    assert waited(None) == ""


def test_waiting_times_speak_the_readers_language():
    with override("ru"):
        assert waited(timezone.now() - timedelta(days=2, hours=1)) == "2\xa0дня"
