"""Reminder kinds and digests (SPEC FUP-04), policies/reminders.py: pure, no frappe."""

from datetime import date, timedelta

import pytest
from crm_suite.policies.reminders import (
	BIRTHDAY,
	KINDS,
	NEXT_CONTACT,
	PENDING_MARKS,
	PREFERENCE_FIELD,
	TO_CHECK,
	KindCount,
	PreferenceInvalid,
	birthday_dates,
	birthday_this_time,
	check_preference,
	digest_subject,
	key_stars_fraction,
)
from hypothesis import given
from hypothesis import strategies as st

ZH = {
	NEXT_CONTACT: "下次联系",
	TO_CHECK: "待查",
	BIRTHDAY: "生日",
	"({0} key)": "（重点 {0}）",
	"{0} new reminders: {1}.": "{0} 条新提醒：{1}。",
	", ": "，",
	"Your team: {0} key reminders open.": "团队：{0} 条重点提醒未处理。",
}


def test_every_kind_has_a_preference_switch_and_marks_share_one():
	assert set(PREFERENCE_FIELD) == set(KINDS)
	assert {PREFERENCE_FIELD[k] for k in PENDING_MARKS} == {"remind_pending_marks"}


def test_digest_counts_kinds_in_order_with_key_counts_and_the_team():
	counts = [KindCount(BIRTHDAY, 2), KindCount(NEXT_CONTACT, 3, key=1), KindCount(TO_CHECK, 0)]
	assert digest_subject(counts, lambda s: s) == "5 new reminders: Next Contact 3 (1 key), Birthday 2."
	assert digest_subject(counts, ZH.get, team_key=4) == (
		"5 条新提醒：下次联系 3 （重点 1），生日 2。 团队：4 条重点提醒未处理。"
	)
	assert digest_subject([], lambda s: s, team_key=2) == "Your team: 2 key reminders open."
	assert digest_subject([], lambda s: s) == ""


@pytest.mark.parametrize(("stars", "fraction"), [(4, 0.8), (5, 1.0), (9, 1.0), (1, 0.2)])
def test_key_stars_as_frappe_stores_ratings(stars, fraction):
	assert key_stars_fraction(stars) == fraction


def test_no_key_customers_when_stars_are_off():
	assert key_stars_fraction(0) > 1


@pytest.mark.parametrize(("channel", "hour"), [("Fax", 8), ("In App", 24), ("In App", -1), ("In App", "x")])
def test_preference_refuses_unknown_channels_and_hours(channel, hour):
	with pytest.raises(PreferenceInvalid):
		check_preference(channel, hour)


def test_preference_accepts_the_channels():
	for channel in ("In App", "Email Digest", "None"):
		check_preference(channel, 0)
		check_preference(channel, "23")


def test_birthday_dates_cover_the_window_in_every_year():
	dates = birthday_dates(date(2026, 12, 30), 3, 2024)
	assert date(2025, 12, 31) in dates and date(2024, 1, 2) in dates and date(2026, 1, 1) in dates
	assert date(2025, 1, 3) not in dates and date(2026, 12, 29) not in dates


def test_a_29_february_birthday_is_reminded_on_28_february_of_common_years():
	dates = birthday_dates(date(2027, 2, 28), 0, 2000)
	assert date(2000, 2, 29) in dates and date(2027, 2, 28) in dates
	assert birthday_this_time(date(2000, 2, 29), date(2027, 2, 27)) == date(2027, 2, 28)
	assert birthday_this_time(date(2000, 2, 29), date(2028, 2, 1)) == date(2028, 2, 29)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 10))
def test_birthdays_in_the_window_are_due_within_it(today, ahead):
	window = {today + timedelta(days=d) for d in range(ahead + 1)}
	for born in birthday_dates(today, ahead, today.year - 3):
		due = birthday_this_time(born, today)
		assert due in window or (born.month, born.day) == (2, 29)
		assert due >= today
