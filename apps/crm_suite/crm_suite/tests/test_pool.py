"""Public sea operations (SPEC POOL-01..04, POOL-06, POOL-07, POOL-09, POOL-10) on a real site."""

import frappe
from frappe.model.workflow import WorkflowPermissionError, apply_workflow

from crm_suite.services.pool import claims, distribution, errors, handovers, locks, marks, sharing
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

REFUSED = (frappe.ValidationError, frappe.PermissionError)


def make_strategy(**limits) -> str:
	name = f"测试策略{frappe.generate_hash(length=6)}"
	frappe.get_doc({"doctype": "Pool Strategy", "strategy_name": name, **limits}).insert(
		ignore_permissions=True
	)
	return name


def make_pool(strategy: str | None = None, **values) -> str:
	name = f"测试公海{frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Customer Pool",
			"pool_name": name,
			"pool_type": "Customer",
			"strategy": strategy,
			**values,
		}
	).insert(ignore_permissions=True)
	return name


def pool_customers(pool_name: str, n: int) -> list[str]:
	return [make_customer(customer_pool=pool_name).name for _ in range(n)]


def logs(customer: str) -> list:
	return frappe.get_all(
		"Customer Ownership Log",
		filters={"customer": customer},
		fields=["action", "from_salesperson", "to_salesperson", "to_pool"],
		order_by="creation asc",
	)


class TestClaims(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.pool = make_pool(make_strategy(max_owned=2, max_claims_per_day=3, reclaim_cooldown_days=7))

	def test_a_deadlock_victim_is_run_again_and_gives_up_after_the_last_attempt(self):
		calls = []

		@locks.retry_on_deadlock
		def flaky():
			calls.append(1)
			if len(calls) < 3:
				raise frappe.QueryDeadlockError("(1213, 'Deadlock found')")
			return "done"

		self.assertEqual((flaky(), len(calls)), ("done", 3))
		calls.clear()

		@locks.retry_on_deadlock
		def hopeless():
			calls.append(1)
			raise frappe.QueryDeadlockError("(1213, 'Deadlock found')")

		with self.assertRaises(frappe.QueryDeadlockError):
			hopeless()
		self.assertEqual(len(calls), locks.DEADLOCK_ATTEMPTS)

	def test_claim_moves_the_customer_and_writes_one_log_row(self):
		(name,) = pool_customers(self.pool, 1)
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(claims.claim([name]), [name])
		row = frappe.db.get_value(
			"Customer Account", name, ["salesperson", "lifecycle_state", "claimed_on"], as_dict=True
		)
		self.assertEqual((row.salesperson, row.lifecycle_state), (self.team["sales_a"], "Following"))
		self.assertTrue(row.claimed_on)
		self.assertEqual([r.action for r in logs(name)], ["Create", "Claim"])
		with self.assertRaises(errors.NotInPool):
			frappe.set_user(self.team["sales_b"])
			claims.claim([name])

	def test_total_limit_is_enforced_and_named(self):
		names = pool_customers(self.pool, 3)
		frappe.set_user(self.team["sales_a"])
		claims.claim(names[:2])
		with self.assertRaises(errors.TotalLimitExceeded) as refused:
			claims.claim(names[2:])
		self.assertIn("2", str(refused.exception))
		self.assertIsNone(frappe.db.get_value("Customer Account", names[2], "salesperson"))

	def test_daily_limit_counts_claims_even_after_abandoning(self):
		names = pool_customers(self.pool, 4)
		frappe.set_user(self.team["sales_a"])
		claims.claim(names[:2])
		handovers.abandon(names[:2], "不合适")
		claims.claim(names[2:3])
		with self.assertRaises(errors.DailyClaimLimitExceeded):
			claims.claim(names[3:])

	def test_former_owner_waits_for_the_cooldown(self):
		(name,) = pool_customers(self.pool, 1)
		frappe.set_user(self.team["sales_a"])
		claims.claim([name])
		handovers.abandon([name], "暂不跟进")
		with self.assertRaises(errors.ReclaimCooldown):
			claims.claim([name])
		frappe.set_user(self.team["sales_b"])
		claims.claim([name])  # someone else may
		self.assertEqual(frappe.db.get_value("Customer Account", name, "salesperson"), self.team["sales_b"])

	def test_members_only_and_approval_pools(self):
		members_only = make_pool(members=[{"user": self.team["sales_b"]}])
		(name,) = pool_customers(members_only, 1)
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(errors.NotPoolMember):
			claims.claim([name])
		frappe.set_user("Administrator")
		approval_pool = make_pool(claim_needs_approval=1)
		(other,) = pool_customers(approval_pool, 1)
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(errors.ClaimNeedsApproval):
			claims.claim([other])

	def test_random_claim_takes_n_from_the_pool(self):
		pool_customers(self.pool, 5)
		frappe.set_user(self.team["sales_a"])
		claimed = claims.random_claim(self.pool, 2)
		self.assertEqual(len(claimed), 2)
		owners = frappe.get_all("Customer Account", filters={"name": ("in", claimed)}, pluck="salesperson")
		self.assertEqual(set(owners), {self.team["sales_a"]})
		with self.assertRaises(errors.TotalLimitExceeded):
			claims.random_claim(self.pool, 1)

	def test_abandon_needs_reason_and_ownership_and_logs_each(self):
		names = pool_customers(self.pool, 2)
		frappe.set_user(self.team["sales_a"])
		claims.claim(names)
		with self.assertRaises(errors.ReasonRequired):
			handovers.abandon(names, " ")
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(errors.NotOwner):
			handovers.abandon(names, "x")
		frappe.set_user(self.team["sales_a"])
		handovers.abandon(names, "客户无需求")
		for name in names:
			row = frappe.db.get_value(
				"Customer Account",
				name,
				["salesperson", "lifecycle_state", "customer_pool", "last_released_by"],
				as_dict=True,
			)
			self.assertEqual(
				(row.salesperson, row.lifecycle_state, row.customer_pool, row.last_released_by),
				(None, "Pool", self.pool, self.team["sales_a"]),
			)
			self.assertEqual([r.action for r in logs(name)], ["Create", "Claim", "Abandon"])

	def test_assign_and_take_back_by_the_manager_notify_the_salesperson(self):
		(name,) = pool_customers(self.pool, 1)
		frappe.set_user(self.team["manager"])
		distribution.assign([name], self.team["sales_a"])
		self.assertEqual(frappe.db.get_value("Customer Account", name, "salesperson"), self.team["sales_a"])
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.team["sales_a"], "document_name": name})
		)
		with self.assertRaises(errors.NotOwner):
			distribution.assign([name], self.team["outsider"])  # not a subordinate
		distribution.take_back([name], reason="重新分配")
		self.assertEqual(frappe.db.get_value("Customer Account", name, "lifecycle_state"), "Pool")
		self.assertEqual([r.action for r in logs(name)], ["Create", "Assign", "Take Back"])
		frappe.set_user(self.team["sales_b"])
		claims.claim([name])
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(errors.NotOwner):
			distribution.take_back([name])

	def test_shelve_lock_and_protect(self):
		names = pool_customers(self.pool, 2)
		frappe.set_user(self.team["sales_a"])
		claims.claim(names[:1])
		marks.shelve(names[:1])
		self.assertEqual(frappe.db.get_value("Customer Account", names[0], "lifecycle_state"), "Shelved")
		marks.unshelve(names[:1])
		self.assertEqual(frappe.db.get_value("Customer Account", names[0], "lifecycle_state"), "Following")
		with self.assertRaises(errors.NotOwner):
			marks.lock(names[1:])
		frappe.set_user(self.team["admin"])
		marks.lock(names[1:])
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(errors.CustomerLocked):
			claims.claim(names[1:])

	def test_protection_limit_and_no_one_else_adds_the_same_company(self):
		strategy = make_strategy(max_protected=1, protection_days=30)
		protected_pool = make_pool(strategy)
		names = pool_customers(protected_pool, 2)
		frappe.set_user(self.team["sales_a"])
		claims.claim(names)
		marks.protect(names[:1])
		self.assertTrue(frappe.db.get_value("Customer Account", names[0], "protected_until"))
		with self.assertRaises(errors.ProtectionLimitExceeded):
			marks.protect(names[1:])
		company = frappe.db.get_value("Customer Account", names[0], "customer_name")
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(errors.CustomerProtected):
			frappe.get_doc(
				{"doctype": "Customer Account", "customer_name": company, "website": "https://x.cn"}
			).insert()

	def test_share_gives_a_colleague_access(self):
		(name,) = pool_customers(self.pool, 1)
		frappe.set_user(self.team["sales_a"])
		claims.claim([name])
		frappe.set_user(self.team["sales_b"])
		self.assertFalse(frappe.has_permission("Customer Account", "read", name))
		frappe.set_user(self.team["sales_a"])
		sharing.share(name, [self.team["sales_b"]], write=False)
		frappe.set_user(self.team["sales_b"])
		self.assertTrue(frappe.has_permission("Customer Account", "read", name))
		self.assertFalse(frappe.has_permission("Customer Account", "write", name))

	def test_ownership_fields_cannot_be_written_through_a_document_save(self):
		(name,) = pool_customers(self.pool, 1)
		frappe.set_user(self.team["sales_a"])
		claims.claim([name])
		for field, value in (
			("salesperson", self.team["sales_b"]),
			("lifecycle_state", "Deal"),
			("customer_pool", "Public Sea"),
			("locked", 1),
		):
			doc = frappe.get_doc("Customer Account", name)
			doc.set(field, value)
			# another owner fails the row scope first; the other fields hit the ownership guard
			with self.assertRaises(frappe.PermissionError, msg=field):
				doc.save()
		doc = frappe.get_doc("Customer Account", name)
		doc.remarks = "普通字段可以修改"
		doc.save()


class TestPush(CRMTestCase):
	# how a push is planned is tested without a site: tests/pure/test_pool_rules.py
	def test_push_distributes_to_members_with_one_log_each(self):
		team = make_sales_team()
		name = make_pool(
			distribution_mode="Push",
			push_method="Round Robin",
			members=[{"user": team["sales_a"]}, {"user": team["sales_b"]}],
			admins=[{"user": team["manager"]}],
		)
		names = pool_customers(name, 4)
		frappe.set_user(team["sales_a"])
		with self.assertRaises(errors.PullNotAllowed):
			claims.claim(names[:1])
		frappe.set_user(team["manager"])
		result = distribution.push(name, names)
		self.assertEqual(sorted(len(v) for v in result.values()), [2, 2])
		for customer in names:
			self.assertEqual([r.action for r in logs(customer)], ["Create", "Distribute"])


class TestApprovals(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.pool = make_pool(make_strategy(max_owned=1), claim_needs_approval=1)

	def apply(self, user: str, customer: str):
		frappe.set_user(user)
		return frappe.get_doc(
			{"doctype": "Claim Application", "customer": customer, "reason": "有意向"}
		).insert()

	def test_manager_approval_performs_the_claim(self):
		(name,) = pool_customers(self.pool, 1)
		application = self.apply(self.team["sales_a"], name)
		self.assertEqual(application.workflow_state, "Pending")
		self.assertEqual(application.applicant, self.team["sales_a"])
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Claim Application", application.name), "Approve")
		self.assertEqual(frappe.db.get_value("Customer Account", name, "salesperson"), self.team["sales_a"])
		self.assertEqual([r.action for r in logs(name)], ["Create", "Claim"])
		self.assertEqual(
			frappe.db.get_value("Claim Application", application.name, "decided_by"), self.team["manager"]
		)

	def test_salesperson_cannot_approve_and_nobody_approves_their_own(self):
		(name,) = pool_customers(self.pool, 1)
		application = self.apply(self.team["sales_a"], name)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(REFUSED):  # no transition for the role
			apply_workflow(frappe.get_doc("Claim Application", application.name), "Approve")
		own = self.apply(self.team["manager"], pool_customers(self.pool, 1)[0])
		with self.assertRaises(REFUSED):
			apply_workflow(frappe.get_doc("Claim Application", own.name), "Approve")
		frappe.set_user(self.team["outsider"])
		with self.assertRaises(REFUSED):
			apply_workflow(frappe.get_doc("Claim Application", application.name), "Approve")

	def test_workflow_state_cannot_be_written_directly(self):
		(name,) = pool_customers(self.pool, 1)
		application = self.apply(self.team["sales_a"], name)
		doc = frappe.get_doc("Claim Application", application.name)
		doc.workflow_state = "Approved"
		with self.assertRaises((WorkflowPermissionError, errors.NotAllowedToDecide)):
			doc.save()
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(WorkflowPermissionError):
			frappe.get_doc(
				{
					"doctype": "Claim Application",
					"customer": pool_customers(self.pool, 1)[0],
					"workflow_state": "Approved",
				}
			).insert()
		self.assertIsNone(frappe.db.get_value("Customer Account", name, "salesperson"))

	def test_approval_rechecks_the_limits_at_that_moment(self):
		first, second = pool_customers(self.pool, 2)
		one = self.apply(self.team["sales_a"], first)
		two = self.apply(self.team["sales_a"], second)
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Claim Application", one.name), "Approve")
		frappe.db.savepoint("approve")  # a refused request rolls back as a whole
		with self.assertRaises(errors.TotalLimitExceeded):
			apply_workflow(frappe.get_doc("Claim Application", two.name), "Approve")
		frappe.db.rollback(save_point="approve")
		self.assertEqual(frappe.db.get_value("Claim Application", two.name, "workflow_state"), "Pending")
		apply_workflow(frappe.get_doc("Claim Application", two.name), "Reject")
		self.assertIsNone(frappe.db.get_value("Customer Account", second, "salesperson"))

	def test_transfer_needs_the_owners_manager(self):
		(name,) = pool_customers(make_pool(), 1)
		frappe.set_user(self.team["sales_a"])
		claims.claim([name])
		request = frappe.get_doc(
			{"doctype": "Customer Transfer Request", "customer": name, "to_salesperson": self.team["sales_b"]}
		).insert()
		self.assertEqual(request.from_salesperson, self.team["sales_a"])
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(REFUSED):
			apply_workflow(frappe.get_doc("Customer Transfer Request", request.name), "Approve")
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Customer Transfer Request", request.name), "Approve")
		self.assertEqual(frappe.db.get_value("Customer Account", name, "salesperson"), self.team["sales_b"])
		self.assertEqual([r.action for r in logs(name)], ["Create", "Claim", "Transfer"])
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(errors.NotOwner):  # only the owner (or their manager) asks
			frappe.set_user(self.team["outsider"])
			frappe.get_doc(
				{
					"doctype": "Customer Transfer Request",
					"customer": name,
					"to_salesperson": self.team["outsider"],
				}
			).insert()

	def test_invalid_application_approved_and_rejected_keeps_history(self):
		first, second = pool_customers(make_pool(), 2)
		frappe.set_user(self.team["sales_a"])
		claims.claim([first, second])
		approved = frappe.get_doc(
			{"doctype": "Invalid Customer Application", "customer": first, "reason": "空号"}
		).insert()
		rejected = frappe.get_doc(
			{"doctype": "Invalid Customer Application", "customer": second, "reason": "联系不上"}
		).insert()
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(errors.NotOwner):
			frappe.get_doc(
				{"doctype": "Invalid Customer Application", "customer": second, "reason": "x"}
			).insert()
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Invalid Customer Application", approved.name), "Approve")
		apply_workflow(frappe.get_doc("Invalid Customer Application", rejected.name), "Reject")
		self.assertEqual(
			frappe.db.get_value("Customer Account", first, ["salesperson", "lifecycle_state"]),
			(None, "Invalid"),
		)
		self.assertEqual(frappe.db.get_value("Customer Account", second, "lifecycle_state"), "Following")
		self.assertEqual([r.action for r in logs(first)], ["Create", "Claim", "Invalid"])
		self.assertEqual(
			frappe.db.count("Invalid Customer Application", {"customer": ("in", [first, second])}), 2
		)
