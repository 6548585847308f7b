"""Reminder kinds and digests (SPEC FUP-04), pure: no frappe import.

Each kind is switched on or off by one check field of a user's Reminder Preference; the pending marks on a
customer (to check / to mail / to contact, 待查 / 待邮 / 待联) are three kinds behind one switch. A digest is one
line per user per run: the count of new reminders by kind, key ones counted apart, and for managers the key
reminders open in their department subtree.
"""

from collections.abc import Callable
from dataclasses import dataclass

NEXT_CONTACT = "Next Contact"
OVERDUE_PLAN = "Overdue Plan"
TO_CHECK = "To Check"
TO_MAIL = "To Mail"
TO_CONTACT = "To Contact"
SHELVED_REVIEW = "Shelved Review"
RECYCLE_SOON = "Recycle Soon"
BIRTHDAY = "Birthday"
OVERDUE_PAYMENT = "Overdue Payment"

KINDS = (
	NEXT_CONTACT,
	OVERDUE_PLAN,
	TO_CHECK,
	TO_MAIL,
	TO_CONTACT,
	SHELVED_REVIEW,
	RECYCLE_SOON,
	BIRTHDAY,
	OVERDUE_PAYMENT,
)
PENDING_MARKS = (TO_CHECK, TO_MAIL, TO_CONTACT)
# The Reminder Preference check field that switches each kind.
PREFERENCE_FIELD = {
	NEXT_CONTACT: "remind_next_contact",
	OVERDUE_PLAN: "remind_overdue_plan",
	TO_CHECK: "remind_pending_marks",
	TO_MAIL: "remind_pending_marks",
	TO_CONTACT: "remind_pending_marks",
	SHELVED_REVIEW: "remind_shelved_review",
	RECYCLE_SOON: "remind_recycle_soon",
	BIRTHDAY: "remind_birthday",
	OVERDUE_PAYMENT: "remind_overdue_payment",
}
# Kinds that are tasks: each also becomes a ToDo of its user when delivered.
TASK_KINDS = (NEXT_CONTACT, OVERDUE_PLAN, OVERDUE_PAYMENT)

IN_APP = "In App"
EMAIL_DIGEST = "Email Digest"
NO_DELIVERY = "None"
CHANNELS = (IN_APP, EMAIL_DIGEST, NO_DELIVERY)

MAX_STARS = 5


class PreferenceInvalid(ValueError):
	pass


def key_stars_fraction(stars: int) -> float:
	"""Frappe keeps a Rating as a fraction of full marks: 4 of 5 stars is 0.8. 0 or less: no customer is key
	by stars."""
	stars = int(stars or 0)
	if stars <= 0:
		return 2.0  # above any rating
	return round(min(stars, MAX_STARS) / MAX_STARS, 4)


def check_preference(channel: str, digest_hour) -> None:
	if channel not in CHANNELS:
		raise PreferenceInvalid(f"channel {channel!r}")
	try:
		hour = int(digest_hour)
	except (TypeError, ValueError):
		raise PreferenceInvalid(f"digest hour {digest_hour!r}") from None
	if not 0 <= hour <= 23:
		raise PreferenceInvalid(f"digest hour {hour}")


@dataclass
class KindCount:
	kind: str
	count: int
	key: int = 0


def digest_subject(
	counts: list[KindCount],
	translate: Callable[[str], str],
	team_key: int = 0,
) -> str:
	"""The digest's one line, e.g. "5 new reminders: Next Contact 3 (1 key), Birthday 2. Your team: 4 key
	reminders open." in the order of KINDS. `translate` turns a source text into the user's language."""
	by_kind = {c.kind: c for c in counts if c.count}
	total = sum(c.count for c in by_kind.values())
	parts = []
	for kind in KINDS:
		c = by_kind.get(kind)
		if not c:
			continue
		part = f"{translate(kind)} {c.count}"
		if c.key:
			part += " " + translate("({0} key)").format(c.key)
		parts.append(part)
	text = translate("{0} new reminders: {1}.").format(total, translate(", ").join(parts)) if parts else ""
	if team_key:
		team = translate("Your team: {0} key reminders open.").format(team_key)
		text = f"{text} {team}".strip()
	return text


def birthday_dates(today, days_ahead: int, oldest_year: int) -> list:
	"""Every date from `oldest_year` to this year falling on the month-days of today .. today + days_ahead:
	an IN list on the indexed birthday column, instead of a month-day function over every contact.
	A 29 February birthday is reminded on 28 February in other years."""
	from datetime import date, timedelta

	month_days = [(today + timedelta(days=d)) for d in range(max(0, int(days_ahead)) + 1)]
	found = set()
	for year in range(oldest_year, today.year + 1):
		for day in month_days:
			try:
				found.add(date(year, day.month, day.day))
			except ValueError:
				continue
			if day.month == 2 and day.day == 28:
				try:
					found.add(date(year, 2, 29))
				except ValueError:
					pass
	return sorted(found)


def birthday_this_time(birthday, today):
	"""The coming (or today's) anniversary of `birthday` on or after today: the reminder's due date."""
	from datetime import date

	for year in (today.year, today.year + 1):
		try:
			day = date(year, birthday.month, birthday.day)
		except ValueError:  # 29 February in a common year
			day = date(year, 2, 28)
		if day >= today:
			return day
	return date(today.year + 1, birthday.month, min(birthday.day, 28))
