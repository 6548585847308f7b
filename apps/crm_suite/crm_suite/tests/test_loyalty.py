"""Loyalty points (SPEC SALE-08) on a real site: rules picked per product × unit × customer type, order line
points computed on save and hand edits audited, accrual on confirmation, reversal on cancellation exactly once,
refunds taking back points in proportion, redemptions for gifts refused above the balance, the daily expiry
idempotent, the three switches, the append-only ledger whose sum is always the balance, and row scope."""

import frappe
from frappe.utils import add_days, nowdate

from crm_suite.services import loyalty
from crm_suite.services.loyalty import (
	GiftUnavailableError,
	InsufficientPointsError,
	LedgerIsAppendOnly,
	LoyaltyOffError,
)
from crm_suite.tests.test_sales_orders import make_product, selling_doc
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


def make_kind(name: str, earns: int = 1) -> str:
	if not frappe.db.exists("Customer Kind", name):
		frappe.get_doc({"doctype": "Customer Kind", "kind_name": name, "earns_points": earns}).insert(
			ignore_permissions=True
		)
	else:
		frappe.db.set_value("Customer Kind", name, "earns_points", earns)
	return name


def make_rule(product: str, rate, basis: str = "Per Unit", unit=None, customer_kind=None) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Points Rule",
				"product": product,
				"unit": unit,
				"customer_kind": customer_kind,
				"basis": basis,
				"rate": rate,
			}
		)
		.insert()
		.name
	)


def make_gift(cost: int = 100, **values) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Points Gift",
				"gift_name": f"测试礼品{frappe.generate_hash(length=6)}",
				"points_cost": cost,
				**values,
			}
		)
		.insert()
		.name
	)


def ledger_sum(customer: str) -> int:
	return int(
		frappe.db.sql(
			"select coalesce(sum(points), 0) from `tabCustomer Points Entry` where customer = %s", customer
		)[0][0]
	)


def entries(customer: str) -> list[tuple[str, int]]:
	return [
		(r.entry_type, r.points)
		for r in frappe.get_all(
			"Customer Points Entry",
			filters={"customer": customer},
			fields=["entry_type", "points"],
			order_by="creation, entry_type",
		)
	]


def switch_on(expiry_days: int = 0):
	frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 1)
	frappe.db.set_single_value("CRM Suite Settings", "points_expiry_days", expiry_days)
	frappe.db.value_cache.clear()


class LoyaltyTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		switch_on()
		self.kind = make_kind("测试积分客户")
		self.customer = make_customer(salesperson=self.team["sales_a"], customer_kind=self.kind).name
		self.product = make_product(list_price=100, default_tax_rate=0, unit="台")
		make_rule(self.product, 2)  # 2 points per unit, any unit and type

	def assertBalance(self, customer: str, points: int):
		self.assertEqual(loyalty.balance(customer), points)
		self.assertEqual(ledger_sum(customer), points)
		self.assertEqual(loyalty.ledger_mismatches([customer]), [])

	def confirmed_order(self, qty: int = 5, customer: str | None = None, **line):
		order = selling_doc(
			"Customer Order", customer or self.customer, [{"product": self.product, "qty": qty, **line}]
		)
		order.submit()
		return order


class TestRulesAndLinePoints(LoyaltyTestCase):
	def test_the_most_specific_rule_is_picked_for_each_line(self):
		other = make_product(list_price=50, default_tax_rate=0, unit="个")
		make_rule(self.product, 10, unit="箱")
		make_rule(self.product, 3, customer_kind=self.kind)
		make_rule(other, "0.1", basis="Per Amount")
		order = selling_doc(
			"Customer Order",
			self.customer,
			[
				{"product": self.product, "qty": 4},  # 台 → the type's rule: 3 a unit
				{"product": self.product, "qty": 2, "unit": "箱"},  # the unit's rule: 10 a unit
				{"product": other, "qty": 3},  # 10 % of 150
			],
		)
		self.assertEqual([line.points for line in order.lines], [12, 20, 15])
		self.assertEqual(order.total_points, 47)

	def test_a_rule_per_product_unit_and_type_is_unique(self):
		with self.assertRaises(frappe.DuplicateEntryError):
			make_rule(self.product, 5)

	def test_rules_are_set_in_bulk_and_updated_in_place(self):
		products = [make_product() for _ in range(3)]
		self.assertEqual(loyalty.set_rules_in_bulk(products, "台", self.kind, "Per Unit", 7), 3)
		self.assertEqual(loyalty.set_rules_in_bulk(products, "台", self.kind, "Per Amount", "0.5"), 3)
		rules = frappe.get_all(
			"Customer Points Rule", filters={"product": ("in", products)}, fields=["basis", "rate", "unit"]
		)
		self.assertEqual(len(rules), 3)
		self.assertEqual({(r.basis, r.rate, r.unit) for r in rules}, {("Per Amount", 0.5, "台")})
		with self.assertRaises(frappe.ValidationError):
			loyalty.set_rules_in_bulk(products, None, None, "Per Unit", -1)

	def test_a_hand_edit_is_kept_flagged_and_audited(self):
		order = selling_doc(
			"Customer Order",
			self.customer,
			[{"product": self.product, "qty": 5}, {"product": self.product, "qty": 1}],
		)
		self.assertEqual([line.points for line in order.lines], [10, 2])
		frappe.set_user(self.team["sales_a"])
		order = frappe.get_doc("Customer Order", order.name)
		order.lines[0].points = 25
		order.save()
		self.assertEqual((order.lines[0].points, order.lines[0].points_edited), (25, 1))
		log = frappe.get_all(
			"Points Edit Log",
			filters={"customer_order": order.name},
			fields=["old_points", "new_points", "computed_points", "edited_by", "order_line"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual(
			(log[0].old_points, log[0].new_points, log[0].computed_points, log[0].edited_by),
			(10, 25, 10, self.team["sales_a"]),
		)
		# a later qty change recomputes the untouched line only; the edited one keeps its points
		order.lines[0].qty = 6
		order.lines[1].qty = 3
		order.save()
		self.assertEqual([line.points for line in order.lines], [25, 6])
		self.assertEqual(order.total_points, 31)
		self.assertEqual(frappe.db.count("Points Edit Log", {"customer_order": order.name}), 1)
		frappe.set_user("Administrator")
		order.submit()
		self.assertBalance(self.customer, 31)

	def test_negative_points_are_refused(self):
		order = selling_doc("Customer Order", self.customer, [{"product": self.product, "qty": 1}])
		order.lines[0].points = -5
		with self.assertRaises(loyalty.InvalidPointsError):
			order.save()


class TestSwitches(LoyaltyTestCase):
	def test_switched_off_globally_per_type_or_per_customer_gives_no_points(self):
		off_kind = make_kind("测试无积分客户", earns=0)
		no_type = make_customer(salesperson=self.team["sales_a"], customer_kind=off_kind).name
		no_customer = make_customer(salesperson=self.team["sales_a"], earns_points=0).name
		for customer in (no_type, no_customer):
			order = self.confirmed_order(customer=customer)
			self.assertEqual((order.lines[0].points, order.total_points), (0, 0))
			self.assertBalance(customer, 0)
		frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 0)
		frappe.db.value_cache.clear()
		order = self.confirmed_order(points=50)
		self.assertEqual((order.lines[0].points, order.total_points), (0, 0))
		self.assertBalance(self.customer, 0)

	def test_a_customer_of_no_type_earns_when_the_switches_allow(self):
		customer = make_customer(salesperson=self.team["sales_a"]).name
		self.confirmed_order(customer=customer)
		self.assertBalance(customer, 10)


class TestLedger(LoyaltyTestCase):
	def test_confirmation_accrues_and_cancellation_reverses_exactly_once(self):
		order = self.confirmed_order()
		self.assertBalance(self.customer, 10)
		loyalty.accrue_order(order)  # a repeated event changes nothing
		self.assertBalance(self.customer, 10)
		order.cancel()
		self.assertBalance(self.customer, 0)
		loyalty.reverse_order(order)
		self.assertBalance(self.customer, 0)
		self.assertEqual(entries(self.customer), [("Accrual", 10), ("Reversal", -10)])

	def test_refunds_take_back_points_in_proportion_never_more_than_accrued(self):
		order = self.confirmed_order(qty=10)  # 1,000 → 20 points
		refund = frappe._dict(
			doctype="Customer Refund", name="测试退款1", customer_order=order.name, amount=250
		)
		loyalty.refund_submitted(refund)
		self.assertBalance(self.customer, 15)
		loyalty.refund_submitted(refund)  # a repeated event: 25 % refunded, already taken back
		self.assertBalance(self.customer, 15)
		loyalty.refund_cancelled(refund)
		self.assertBalance(self.customer, 20)
		loyalty.refund_cancelled(refund)
		self.assertBalance(self.customer, 20)
		big = frappe._dict(
			doctype="Customer Refund", name="测试退款2", customer_order=order.name, amount=5000
		)
		loyalty.refund_submitted(big)
		self.assertBalance(self.customer, 0)
		order.cancel()  # nothing left to reverse
		self.assertBalance(self.customer, 0)

	def test_the_ledger_is_append_only_for_everyone(self):
		order = self.confirmed_order()
		name = frappe.get_all("Customer Points Entry", filters={"customer": self.customer}, pluck="name")[0]
		with self.assertRaises(LedgerIsAppendOnly):
			frappe.get_doc(
				{
					"doctype": "Customer Points Entry",
					"customer": self.customer,
					"points": 1000,
					"entry_type": "Accrual",
					"voucher_type": "Customer Order",
					"voucher_no": order.name,
				}
			).insert(ignore_permissions=True)
		entry = frappe.get_doc("Customer Points Entry", name)
		entry.points = 999
		with self.assertRaises(LedgerIsAppendOnly):
			entry.save(ignore_permissions=True)
		with self.assertRaises(LedgerIsAppendOnly):
			frappe.delete_doc("Customer Points Entry", name, ignore_permissions=True)
		with self.assertRaises(LedgerIsAppendOnly):
			frappe.delete_doc("Customer Points Balance", self.customer, ignore_permissions=True)
		self.assertBalance(self.customer, 10)


class TestRedemption(LoyaltyTestCase):
	def redeem(self, gift: str, qty: int = 1, customer: str | None = None):
		doc = frappe.get_doc(
			{"doctype": "Gift Redemption", "customer": customer or self.customer, "gift": gift, "qty": qty}
		).insert()
		doc.submit()
		return doc

	def test_redemption_within_the_balance_and_refused_above_it(self):
		self.confirmed_order(qty=50)  # 100 points
		gift = make_gift(cost=30, track_stock=1, stock_qty=5)
		done = self.redeem(gift, qty=2)
		self.assertEqual(done.points, 60)
		self.assertBalance(self.customer, 40)
		self.assertEqual(frappe.db.get_value("Points Gift", gift, "stock_qty"), 3)
		with self.assertRaises(InsufficientPointsError):
			self.redeem(gift, qty=2)
		self.assertBalance(self.customer, 40)  # refused before anything was written

	def test_cancelling_a_redemption_gives_points_and_stock_back_once(self):
		self.confirmed_order(qty=50)
		gift = make_gift(cost=30, track_stock=1, stock_qty=5)
		done = self.redeem(gift)
		done.cancel()
		self.assertBalance(self.customer, 100)
		self.assertEqual(frappe.db.get_value("Points Gift", gift, "stock_qty"), 5)
		loyalty.cancel_redemption(done)
		self.assertBalance(self.customer, 100)

	def test_out_of_stock_and_inactive_gifts_are_refused(self):
		self.confirmed_order(qty=50)
		with self.assertRaises(GiftUnavailableError):
			self.redeem(make_gift(cost=1, track_stock=1, stock_qty=0))
		with self.assertRaises(GiftUnavailableError):
			self.redeem(make_gift(cost=1, enabled=0))

	def test_no_redemption_while_points_are_switched_off(self):
		self.confirmed_order(qty=50)
		gift = make_gift(cost=10)
		frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 0)
		frappe.db.value_cache.clear()
		with self.assertRaises(LoyaltyOffError):
			self.redeem(gift)


class TestExpiry(LoyaltyTestCase):
	def test_expiry_is_fifo_and_a_second_run_expires_nothing(self):
		switch_on(expiry_days=30)
		self.confirmed_order(qty=50)  # 100 points, expiring in 30 days
		self.redeem_points(30)
		self.assertEqual(loyalty.expire_points(on_date=add_days(nowdate(), 29)), 0)
		self.assertBalance(self.customer, 70)
		later = add_days(nowdate(), 31)
		self.assertEqual(loyalty.expire_points(on_date=later), 70)
		self.assertBalance(self.customer, 0)
		self.assertEqual(loyalty.expire_points(on_date=later), 0)
		self.assertEqual(loyalty.expire_points(on_date=add_days(later, 1)), 0)
		self.assertEqual([e for e in entries(self.customer) if e[0] == "Expiry"], [("Expiry", -70)])

	def test_points_without_expiry_never_expire(self):
		self.confirmed_order(qty=50)
		self.assertEqual(loyalty.expire_points(on_date=add_days(nowdate(), 3650)), 0)
		self.assertBalance(self.customer, 100)

	def redeem_points(self, points: int):
		gift = make_gift(cost=points)
		doc = frappe.get_doc({"doctype": "Gift Redemption", "customer": self.customer, "gift": gift}).insert()
		doc.submit()


class TestScope(LoyaltyTestCase):
	def test_points_and_redemptions_follow_the_customer_scope(self):
		self.confirmed_order(qty=50)
		gift = make_gift(cost=10)
		redemption = frappe.get_doc(
			{"doctype": "Gift Redemption", "customer": self.customer, "gift": gift}
		).insert()
		entry = frappe.get_all("Customer Points Entry", filters={"customer": self.customer}, pluck="name")[0]
		for doctype, name in (
			("Customer Points Entry", entry),
			("Customer Points Balance", self.customer),
			("Gift Redemption", redemption.name),
		):
			with self.subTest(doctype=doctype):
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_a"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["manager"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_b"]), (False, False))
				self.assertEqual(listed_and_readable(doctype, name, self.team["admin"]), (True, True))

	def test_a_salesperson_cannot_redeem_for_a_customer_they_cannot_see(self):
		self.confirmed_order(qty=50)
		gift = make_gift(cost=10)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc({"doctype": "Gift Redemption", "customer": self.customer, "gift": gift}).insert()
