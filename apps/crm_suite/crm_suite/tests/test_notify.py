"""Notices through Frappe's Notification Log (SPEC POOL-05, FUP-02): documents, so Notification Settings,
the bell's unread flag and the recipient's language all apply; many recipients go to a job after commit."""

from unittest.mock import patch

import frappe

from crm_suite.services import notify
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

MESSAGE = "{0} overdue records were recycled to the pool."


def notices(user: str, name: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Notification Log",
		filters={"for_user": user, "document_name": name},
		fields=["subject", "type", "document_type", "from_user", "read"],
	)


class TestNotify(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer = make_customer().name

	def test_each_user_gets_a_document_in_their_language_and_an_unread_bell(self):
		a, b = self.team["sales_a"], self.team["sales_b"]
		frappe.db.set_value("User", a, "language", "zh")
		frappe.db.set_value("User", b, "language", "en")
		frappe.db.set_value("Notification Settings", a, "seen", 1)
		addressed = notify.notify_users({a: 3, b: 2}, MESSAGE, "Customer Account", self.customer)
		self.assertEqual(addressed, 2)
		[to_a], [to_b] = notices(a, self.customer), notices(b, self.customer)
		self.assertEqual(to_a.subject, frappe._(MESSAGE, lang="zh").format(3))
		self.assertNotEqual(to_a.subject, MESSAGE.format(3), "zh.po translates the notice")
		self.assertEqual(to_b.subject, MESSAGE.format(2))
		self.assertEqual((to_a.type, to_a.document_type, to_a.read), ("Alert", "Customer Account", 0))
		# Frappe's after_insert ran: the bell shows unread notifications again
		self.assertEqual(frappe.db.get_value("Notification Settings", a, "seen"), 0)

	def test_users_who_turned_notifications_off_get_none(self):
		a, b = self.team["sales_a"], self.team["sales_b"]
		self.assertTrue(frappe.db.exists("Notification Settings", a), "Frappe makes them with the user")
		frappe.db.set_value("Notification Settings", a, "enabled", 0)
		notify.notify_users({a: 1, b: 1}, MESSAGE, "Customer Account", self.customer)
		self.assertEqual(notices(a, self.customer), [])
		self.assertEqual(len(notices(b, self.customer)), 1)

	def test_disabled_and_empty_recipients_are_skipped(self):
		a = self.team["sales_a"]
		frappe.db.set_value("User", a, "enabled", 0)
		addressed = notify.notify_users({a: 1, "": 4, self.team["sales_b"]: 0}, MESSAGE, "Customer Account")
		self.assertEqual(addressed, 1, "the disabled user is addressed but gets nothing")
		self.assertEqual(frappe.get_all("Notification Log", filters={"for_user": a}), [])

	def test_many_recipients_are_made_by_a_job_after_commit(self):
		users = [self.team[k] for k in ("sales_a", "sales_b", "manager", "outsider", "admin")]
		counts = {u: i + 1 for i, u in enumerate(users)}
		frappe.flags.in_test = False  # tests make notices at once; a site makes many in a job
		try:
			with patch.object(notify, "INLINE_RECIPIENTS", 2), patch("frappe.enqueue") as enqueue:
				notify.notify_users(counts, MESSAGE, "Customer Account", self.customer)
		finally:
			frappe.flags.in_test = True
		self.assertEqual(notices(users[0], self.customer), [], "nothing made in the caller's transaction")
		enqueue.assert_called_once()
		args, kwargs = enqueue.call_args
		self.assertIs(args[0], notify.make_notifications)
		self.assertTrue(kwargs["enqueue_after_commit"])
		self.assertEqual(len(kwargs["notices"]), len(users))
		# what the job does with them
		self.assertEqual(notify.make_notifications(kwargs["common"], kwargs["notices"]), len(users))
		self.assertEqual(len(notices(users[4], self.customer)), 1)
