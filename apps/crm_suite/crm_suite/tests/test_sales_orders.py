"""Products, stock, quotations and sales orders (SPEC SALE-04, SALE-07) on a real site: server-side totals,
the floor-price rule, quotation → order → delivery, stock posted and reversed exactly once, negative stock
refused also under concurrency, row scope per role (ORG-03) and the Chinese print formats (大写金额)."""

import threading

import frappe
from frappe.utils import flt

from crm_suite.install import DEFAULT_WAREHOUSE
from crm_suite.sales_orders.selling import BelowFloorPriceError, InvalidLineError
from crm_suite.services import sales_orders, stock
from crm_suite.services.stock import NegativeStockError, NotStockedError
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


def make_product(**values) -> str:
	values.setdefault("product_name", f"测试产品{frappe.generate_hash(length=6)}")
	values.setdefault("unit", "台")
	values.setdefault("list_price", 100)
	values.setdefault("default_tax_rate", 13)
	return frappe.get_doc({"doctype": "Sales Product", **values}).insert(ignore_permissions=True).name


def make_warehouse() -> str:
	return (
		frappe.get_doc(
			{"doctype": "Product Warehouse", "warehouse_name": f"测试仓{frappe.generate_hash(length=6)}"}
		)
		.insert(ignore_permissions=True)
		.name
	)


def move(kind: str, lines: list[tuple[str, float]], warehouse: str = DEFAULT_WAREHOUSE, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Stock Movement",
			"movement_type": kind,
			"warehouse": warehouse,
			"lines": [{"product": p, "qty": q} for p, q in lines],
			**values,
		}
	).insert()
	doc.submit()
	return doc


def selling_doc(doctype: str, customer: str, lines: list[dict], **values):
	return frappe.get_doc({"doctype": doctype, "customer": customer, "lines": lines, **values}).insert()


def ledger_sum(product: str, warehouse: str = DEFAULT_WAREHOUSE) -> float:
	return flt(
		frappe.db.sql(
			"""select sum(qty_change) from `tabProduct Stock Ledger Entry` where product = %s and warehouse = %s""",
			(product, warehouse),
		)[0][0]
	)


class SalesOrdersTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer = make_customer(salesperson=self.team["sales_a"]).name

	def assertBalance(self, product: str, qty: float, warehouse: str = DEFAULT_WAREHOUSE):
		self.assertEqual(stock.available(product, warehouse), qty)
		self.assertEqual(ledger_sum(product, warehouse), qty)


class TestPricing(SalesOrdersTestCase):
	def test_totals_are_computed_on_the_server_whatever_the_client_sends(self):
		product = make_product(list_price=199.99)
		frappe.set_user(self.team["sales_a"])
		doc = selling_doc(
			"Sales Quotation",
			self.customer,
			[{"product": product, "qty": 3, "discount_percent": 10, "amount": 1, "line_total": 1}],
			grand_total=1,
			net_total=1,
			tax_total=1,
		)
		line = doc.lines[0]
		self.assertEqual((line.price, line.tax_rate), (199.99, 13))  # list price and tax from the product
		self.assertEqual((line.amount, line.tax_amount, line.line_total), (539.97, 70.2, 610.17))
		self.assertEqual((doc.gross_total, doc.discount_total), (599.97, 60.0))
		self.assertEqual((doc.net_total, doc.tax_total, doc.grand_total), (539.97, 70.2, 610.17))
		self.assertEqual(doc.grand_total_in_words, "陆佰壹拾元壹角柒分")
		self.assertEqual(doc.status, "Draft")
		self.assertEqual(doc.salesperson, self.team["sales_a"])

	def test_totals_add_up_over_many_lines_without_float_drift(self):
		product = make_product(list_price=0.1, default_tax_rate=0)
		doc = selling_doc("Sales Quotation", self.customer, [{"product": product, "qty": 1}] * 30)
		self.assertEqual(doc.grand_total, 3.0)
		self.assertEqual(frappe.db.get_value("Sales Quotation", doc.name, "grand_total"), 3.0)

	def test_bad_lines_are_refused_with_a_validation_error(self):
		product = make_product()
		disabled = make_product(enabled=0)
		for line in (
			{"product": product, "qty": 0},
			{"product": product, "qty": 1, "discount_percent": 120},
			{"product": product, "qty": 1, "tax_rate": -1},
			{"product": product, "qty": 1, "price": -5},
			{"product": product, "qty": "abc"},
			{"product": disabled, "qty": 1},
			{"product": "无此产品", "qty": 1},
		):
			with self.subTest(line=line), self.assertRaises(frappe.ValidationError):
				selling_doc("Sales Quotation", self.customer, [line])
		with self.assertRaises(InvalidLineError):
			selling_doc("Sales Quotation", self.customer, [])

	def test_a_salesperson_cannot_price_below_the_floor_but_a_manager_can(self):
		product = make_product(list_price=100, floor_price=80)
		frappe.set_user(self.team["sales_a"])
		ok = selling_doc(
			"Sales Quotation", self.customer, [{"product": product, "qty": 1, "discount_percent": 20}]
		)
		self.assertFalse(ok.lines[0].below_floor)
		with self.assertRaises(BelowFloorPriceError):
			selling_doc(
				"Sales Quotation", self.customer, [{"product": product, "qty": 1, "discount_percent": 21}]
			)
		frappe.set_user(self.team["manager"])
		approved = selling_doc(
			"Sales Quotation", self.customer, [{"product": product, "qty": 1, "price": 50}]
		)
		self.assertTrue(approved.lines[0].below_floor)
		self.assertEqual(approved.floor_approved_by, self.team["manager"])
		frappe.set_user(self.team["sales_a"])
		draft = frappe.get_doc("Sales Quotation", approved.name)
		with self.assertRaises(BelowFloorPriceError):
			draft.submit()

	def test_floor_and_cost_prices_are_hidden_from_salespeople(self):
		product = make_product(floor_price=80, cost_price=50)
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Sales Product", product)
		doc.apply_fieldlevel_read_permissions()
		self.assertEqual((doc.get("floor_price"), doc.get("cost_price")), (None, None))
		self.assertEqual(doc.list_price, 100)
		frappe.set_user(self.team["manager"])
		doc = frappe.get_doc("Sales Product", product)
		doc.apply_fieldlevel_read_permissions()
		self.assertEqual((doc.get("floor_price"), doc.get("cost_price")), (80, 50))


class TestQuotationToOrder(SalesOrdersTestCase):
	def test_a_submitted_quotation_becomes_an_order_with_the_same_lines(self):
		a, b = make_product(list_price=10), make_product(list_price=20)
		frappe.set_user(self.team["sales_a"])
		quotation = selling_doc(
			"Sales Quotation",
			self.customer,
			[{"product": a, "qty": 2, "discount_percent": 5}, {"product": b, "qty": 1, "tax_rate": 6}],
			currency="CNY",
		)
		with self.assertRaises(sales_orders.OrderStateError):
			sales_orders.make_customer_order(quotation.name)
		quotation.submit()
		self.assertEqual(quotation.status, "Quoted")
		order = sales_orders.make_customer_order(quotation.name)
		order.insert()
		self.assertEqual(order.quotation, quotation.name)
		self.assertEqual(
			[
				(line.product, line.qty, line.price, line.discount_percent, line.tax_rate)
				for line in order.lines
			],
			[
				(line.product, line.qty, line.price, line.discount_percent, line.tax_rate)
				for line in quotation.lines
			],
		)
		self.assertEqual(order.grand_total, quotation.grand_total)
		self.assertEqual(order.warehouse, DEFAULT_WAREHOUSE)
		self.assertEqual((order.shipment_status, order.payment_status), ("Not Delivered", "Unpaid"))
		order.submit()
		self.assertEqual(order.status, "Confirmed")
		self.assertEqual(frappe.db.get_value("Sales Quotation", quotation.name, "status"), "Ordered")
		with self.assertRaises(sales_orders.OrderStateError):
			sales_orders.make_customer_order(quotation.name)
		order.cancel()
		self.assertEqual(frappe.db.get_value("Sales Quotation", quotation.name, "status"), "Quoted")

	def test_a_quotation_sells_on_an_opportunity_of_its_customer_and_the_order_keeps_it(self):
		product = make_product(list_price=10)
		frappe.set_user(self.team["sales_a"])
		opportunity = frappe.get_doc(
			{"doctype": "Sales Opportunity", "customer": self.customer, "opportunity_title": "报价商机"}
		).insert()
		other = make_customer(salesperson=self.team["sales_a"]).name
		with self.assertRaises(frappe.ValidationError):
			selling_doc(
				"Sales Quotation",
				other,
				[{"product": product, "qty": 1}],
				currency="CNY",
				opportunity=opportunity.name,
			)
		quotation = selling_doc(
			"Sales Quotation",
			self.customer,
			[{"product": product, "qty": 1}],
			currency="CNY",
			opportunity=opportunity.name,
		)
		quotation.submit()
		order = sales_orders.make_customer_order(quotation.name)
		self.assertEqual(order.opportunity, opportunity.name)


class TestStock(SalesOrdersTestCase):
	def test_movements_in_out_transfer_and_stock_take(self):
		product = make_product(is_stocked=1)
		other = make_warehouse()
		move("Stock In", [(product, 10)])
		move("Stock Out", [(product, 3)])
		move("Transfer", [(product, 2)], to_warehouse=other)
		self.assertBalance(product, 5)
		self.assertBalance(product, 2, other)
		take = move("Stock Take", [(product, 4)])
		self.assertEqual(take.lines[0].posted_qty, -1)
		self.assertBalance(product, 4)
		take.cancel()
		self.assertBalance(product, 5)
		self.assertEqual(stock.ledger_mismatches(), [])

	def test_negative_stock_is_refused(self):
		product = make_product(is_stocked=1)
		move("Stock In", [(product, 2)])
		with self.assertRaises(NegativeStockError):
			move("Stock Out", [(product, 3)])
		received = move("Stock In", [(product, 5)])
		move("Stock Out", [(product, 6)])
		# cancelling the receipt would take the balance below zero: refused too
		with self.assertRaises(NegativeStockError):
			received.cancel()
		self.assertBalance(product, 1)

	def test_products_without_stock_keeping_are_refused_in_movements(self):
		product = make_product(is_stocked=0)
		with self.assertRaises(NotStockedError):
			move("Stock In", [(product, 1)])

	def test_the_balance_is_the_sum_of_the_ledger_after_many_postings(self):
		import random

		rng = random.Random(15)
		products = [make_product(is_stocked=1) for _ in range(3)]
		warehouses = [DEFAULT_WAREHOUSE, make_warehouse()]
		expected = {(p, w): 0 for p in products for w in warehouses}
		for _ in range(40):
			p, w = rng.choice(products), rng.choice(warehouses)
			qty = rng.randint(1, 5)
			if rng.random() < 0.6 or expected[(p, w)] < qty:
				move("Stock In", [(p, qty)], warehouse=w)
				expected[(p, w)] += qty
			else:
				move("Stock Out", [(p, qty)], warehouse=w)
				expected[(p, w)] -= qty
		for (p, w), qty in expected.items():
			self.assertBalance(p, qty, w)
		self.assertEqual(stock.ledger_mismatches(), [])

	def test_stock_summary_report_shows_balances_beside_the_ledger(self):
		from crm_suite.sales_orders.report.product_stock_summary.product_stock_summary import execute

		product = make_product(is_stocked=1, category="硬件设备")
		move("Stock In", [(product, 7)])
		for filters in ({}, {"product": product}, {"category": "全部产品"}, {"warehouse": DEFAULT_WAREHOUSE}):
			with self.subTest(filters=filters):
				columns, data, _message, _chart, summary = execute(filters)
				row = next(r for r in data if r.product == product)
				self.assertEqual((row.qty, row.ledger_qty, row.warehouse), (7, 7, DEFAULT_WAREHOUSE))
				self.assertEqual(summary[1]["value"], 0)
		self.assertEqual(execute({"category": "软件与服务", "product": product})[1], [])
		self.assertEqual(execute({"category": "无此分类"})[1], [])


class TestOrderStock(SalesOrdersTestCase):
	def setUp(self):
		super().setUp()
		self.stocked = make_product(is_stocked=1, list_price=50)
		self.service = make_product(is_stocked=0, list_price=500, unit="套")
		move("Stock In", [(self.stocked, 10)])

	def order(self, qty: float, **values):
		frappe.set_user(self.team["sales_a"])
		doc = selling_doc(
			"Customer Order",
			self.customer,
			[{"product": self.stocked, "qty": qty}, {"product": self.service, "qty": 1}],
			**values,
		)
		return doc

	def deliver(self, order, qty: float | None = None):
		delivery = sales_orders.make_order_delivery(order.name)
		if qty is not None:
			delivery.lines = [line for line in delivery.lines if line.product == self.stocked]
			delivery.lines[0].qty = qty
		delivery.insert()
		delivery.submit()
		return delivery

	def test_an_order_for_more_than_is_in_stock_cannot_be_confirmed(self):
		order = self.order(11)
		with self.assertRaises(NegativeStockError):
			order.submit()
		self.assertBalance(self.stocked, 10)

	def test_deliveries_issue_stock_and_set_the_shipment_status(self):
		order = self.order(6)
		order.submit()
		self.assertBalance(self.stocked, 10)  # confirming checks, delivering issues
		self.deliver(order, 4)
		order.reload()
		self.assertEqual((order.shipment_status, order.status), ("Partly Delivered", "Confirmed"))
		self.assertEqual(order.lines[0].delivered_qty, 4)
		self.assertBalance(self.stocked, 6)
		with self.assertRaises(sales_orders.OverDeliveryError):
			self.deliver(order, 3)
		self.deliver(order)  # the rest: 2 of the stocked product and the service
		order.reload()
		self.assertEqual(
			(order.shipment_status, order.status, order.per_delivered), ("Fully Delivered", "Completed", 100)
		)
		self.assertBalance(self.stocked, 4)

	def test_cancelling_a_confirmed_order_returns_its_stock_exactly_once(self):
		order = self.order(6)
		order.submit()
		first = self.deliver(order, 4)
		self.deliver(order, 1)
		self.assertBalance(self.stocked, 5)
		order.reload()
		order.cancel()
		self.assertBalance(self.stocked, 10)
		self.assertEqual(frappe.db.get_value("Order Delivery", first.name, "docstatus"), 2)
		stock.reverse("Order Delivery", first.name)  # a second reversal does nothing
		self.assertBalance(self.stocked, 10)
		entries = frappe.get_all(
			"Product Stock Ledger Entry",
			filters={"voucher_type": "Order Delivery", "product": self.stocked},
			fields=["is_reversal", "qty_change"],
		)
		self.assertEqual(
			sorted((e.is_reversal, e.qty_change) for e in entries), [(0, -4), (0, -1), (1, 1), (1, 4)]
		)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc("Customer Order", order.name).cancel()
		self.assertBalance(self.stocked, 10)

	def test_a_delivery_cannot_ship_more_than_is_in_stock(self):
		order = self.order(6)
		order.submit()
		frappe.set_user("Administrator")
		move("Stock Out", [(self.stocked, 7)])  # stock is not reserved: it has gone meanwhile
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(NegativeStockError):
			self.deliver(order, 6)
		self.assertBalance(self.stocked, 3)


class TestConcurrentIssues(CRMTestCase):
	"""Four connections submit, at the same moment, stock-outs of 3 units each of a product with 10 in stock:
	exactly three go through and the balance never goes below zero (the balance row's lock serialises them;
	the drafts are made first, so nothing else, such as the naming series, queues them)."""

	def test_concurrent_outs_never_overdraw(self):
		product = make_product(is_stocked=1)
		move("Stock In", [(product, 10)])
		drafts = [
			frappe.get_doc(
				{
					"doctype": "Stock Movement",
					"movement_type": "Stock Out",
					"warehouse": DEFAULT_WAREHOUSE,
					"lines": [{"product": product, "qty": 3}],
				}
			)
			.insert()
			.name
			for _ in range(4)
		]
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(len(drafts))
		results: list[str] = []

		def submit(name: str):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				doc = frappe.get_doc("Stock Movement", name)
				barrier.wait(timeout=30)
				try:
					doc.submit()
					frappe.db.commit()
					results.append("issued")
				except NegativeStockError:
					frappe.db.rollback()
					results.append("refused")
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=submit, args=(name,)) for name in drafts]
		try:
			for t in threads:
				t.start()
			for t in threads:
				t.join(timeout=120)
			self.assertEqual(sorted(results), ["issued", "issued", "issued", "refused"])
			self.assertBalance(product, 1)
			self.assertEqual(stock.ledger_mismatches(), [])
		finally:
			self._drop_stock_of(product)

	def assertBalance(self, product, qty):
		self.assertEqual(stock.available(product, DEFAULT_WAREHOUSE), qty)
		self.assertEqual(ledger_sum(product), qty)

	def _drop_stock_of(self, product: str):
		movements = frappe.get_all(
			"Stock Movement Line",
			filters={"product": product, "parenttype": "Stock Movement"},
			pluck="parent",
		)
		for doctype, field in (
			("Product Stock Ledger Entry", "product"),
			("Product Stock Balance", "product"),
		):
			frappe.db.delete(doctype, {field: product})
		frappe.db.delete("Stock Movement Line", {"parent": ("in", movements or [""])})
		frappe.db.delete("Stock Movement", {"name": ("in", movements or [""])})
		frappe.db.delete("Sales Product", {"name": product})
		frappe.db.commit()


class TestScopeAndPrint(SalesOrdersTestCase):
	def test_quotations_and_orders_follow_the_customer_and_salesperson_scope(self):
		product = make_product()
		# a quotation of sales_a's customer, made by the admin: sales_a sees it through the customer
		quotation = selling_doc("Sales Quotation", self.customer, [{"product": product, "qty": 1}])
		frappe.set_user(self.team["sales_a"])
		order = selling_doc("Customer Order", self.customer, [{"product": product, "qty": 1}])
		frappe.set_user("Administrator")
		for doctype, name in (("Sales Quotation", quotation.name), ("Customer Order", order.name)):
			with self.subTest(doctype=doctype):
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_a"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_b"]), (False, False))
				self.assertEqual(listed_and_readable(doctype, name, self.team["outsider"]), (False, False))
				self.assertEqual(listed_and_readable(doctype, name, self.team["manager"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["admin"]), (True, True))

	def test_a_salesperson_cannot_quote_a_customer_they_cannot_see(self):
		other = make_customer(salesperson=self.team["sales_b"]).name
		product = make_product()
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			selling_doc("Sales Quotation", other, [{"product": product, "qty": 1}])

	def test_print_formats_write_the_grand_total_in_capital_numerals(self):
		product = make_product(list_price=12345.67, default_tax_rate=0)
		for doctype, print_format in (
			("Sales Quotation", "Sales Quotation Sheet"),
			("Customer Order", "Customer Order Sheet"),
		):
			with self.subTest(doctype=doctype):
				doc = selling_doc(doctype, self.customer, [{"product": product, "qty": 1}])
				html = frappe.get_print(doctype, doc.name, print_format=print_format)
				self.assertIn("壹万贰仟叁佰肆拾伍元陆角柒分", html)
				self.assertIn(doc.customer_name, html)


class TestDemo(SalesOrdersTestCase):
	def test_demo_loader_makes_products_stock_quotations_and_confirmed_orders(self):
		from crm_suite.demo.sales_orders import OPENING_STOCK, load_sales_demo

		if frappe.db.exists("Sales Product", {"product_code": "CID-100"}):
			self.skipTest("demo products already on this site")
		made = load_sales_demo(orders=1, commit=False)
		self.assertEqual(made["products"], 7)
		self.assertGreaterEqual(made["quotations"], 1)
		self.assertGreaterEqual(made["orders"], 1)
		cid = frappe.db.get_value("Sales Product", {"product_code": "CID-100"})
		self.assertEqual(stock.available(cid, DEFAULT_WAREHOUSE), OPENING_STOCK["CID-100"])
		self.assertTrue(frappe.db.exists("Customer Order", {"docstatus": 1, "status": "Confirmed"}))
