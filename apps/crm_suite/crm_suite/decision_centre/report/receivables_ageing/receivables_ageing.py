"""Receivables ageing (SPEC RPT-08): what each customer still owes as of a date, split by how old the debt
is (0–30, 31–60, 61–90, 91–180, over 180 days), payments settling the oldest debt first (policies/ageing.py).
Read from the receivable ledger grouped per customer and posting day (one query), per customer, salesperson
or department; the customers counted are those held by the people the viewer sees (permissions/reports.py).

Only the ledgers that can age to something are read (issue 17). A customer's ageing as of a date is zero
exactly when the sum of its entries up to that date is zero (FIFO leaves debts or a credit, never both), and
that sum is its Receivable Balance (the sum of all its entries, services/receivables.py) less its entries
after the date. So the customers read are those with a non-zero balance (Receivable Balance's
balance_of_balance index) and those with an entry after the date (the ledger's posting_date index): as of
today, the ones owing or in credit; for a past date, more — exact for any date, fewer rows the more recent."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import getdate

from crm_suite.decision_centre.reporting import by_owner, owner_columns
from crm_suite.permissions.reports import where_reported
from crm_suite.policies.ageing import age, bucket_labels

BUCKETS = [f"age_{i}" for i in range(len(bucket_labels()))]
AMOUNTS = ("outstanding", *BUCKETS, "credit")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	as_of = getdate(filters.to_date or getdate())
	group_by = filters.group_by if filters.group_by in ("Salesperson", "Department") else "Customer"
	customers = ageing_per_customer(filters, as_of)
	if group_by == "Customer":
		data = sorted(customers.values(), key=lambda r: (-r["outstanding"], r["customer"]))
	else:
		per_person: dict[str, dict] = {}
		for row in customers.values():
			figures = per_person.setdefault(row["salesperson"], dict.fromkeys(AMOUNTS, 0.0))
			for k in AMOUNTS:
				figures[k] += row[k]
		grouped = by_owner(per_person, AMOUNTS, group_by == "Department")
		data = [
			{**figures, **owner}
			for _key, (owner, figures) in sorted(
				grouped.items(), key=lambda kv: (-kv[1][1]["outstanding"], kv[0])
			)
		]
	total = {k: sum(r[k] for r in data) for k in AMOUNTS}
	labels = bucket_title()
	chart = {
		"data": {
			"labels": labels,
			"datasets": [{"name": _("Outstanding"), "values": [total[k] for k in BUCKETS]}],
		},
		"type": "bar",
	}
	summary = [
		{
			"value": total["outstanding"],
			"label": _("Outstanding"),
			"datatype": "Currency",
			"indicator": "Red",
		},
		{"value": total[BUCKETS[-1]], "label": labels[-1], "datatype": "Currency", "indicator": "Orange"},
		{
			"value": total["credit"],
			"label": _("Credit Balance"),
			"datatype": "Currency",
			"indicator": "Green",
		},
	]
	return get_columns(group_by), data, None, chart if data else None, summary


def ageing_per_customer(filters, as_of) -> dict[str, dict]:
	ledger = frappe.qb.DocType("Receivable Ledger Entry")
	customer = frappe.qb.DocType("Customer Account")
	candidates = ageing_candidates(as_of, filters.customer)
	query = (
		frappe.qb.from_(ledger)
		.join(customer)
		.on(customer.name == ledger.customer)
		.select(
			ledger.customer,
			customer.customer_name,
			customer.salesperson,
			ledger.posting_date,
			Sum(ledger.amount),
		)
		.join(candidates)
		.on(candidates.customer == ledger.customer)
		.where((ledger.posting_date <= as_of) & customer.salesperson.isnotnull())
		.groupby(ledger.customer, customer.customer_name, customer.salesperson, ledger.posting_date)
	)
	if filters.customer:
		query = query.where(ledger.customer == filters.customer)
	entries: dict[str, list] = {}
	heads: dict[str, tuple] = {}
	for name, customer_name, salesperson, posted, amount in where_reported(
		query, customer.salesperson, filters
	).run():
		entries.setdefault(name, []).append((posted, amount))
		heads[name] = (customer_name, salesperson)
	rows = {}
	for name, ledger_rows in entries.items():
		ageing = age(ledger_rows, as_of)
		if not ageing.outstanding and not ageing.credit:
			continue
		customer_name, salesperson = heads[name]
		rows[name] = {
			"customer": name,
			"customer_name": customer_name,
			"salesperson": salesperson,
			"outstanding": float(ageing.outstanding),
			"credit": float(ageing.credit),
			**{k: float(v) for k, v in zip(BUCKETS, ageing.buckets, strict=True)},
		}
	return rows


def ageing_candidates(as_of, only_customer: str | None = None):
	"""The customers whose ledger up to `as_of` may not sum to zero (a derived table of `customer`): a
	non-zero customer balance, or an entry posted after `as_of`."""
	balance = frappe.qb.DocType("Receivable Balance")
	ledger = frappe.qb.DocType("Receivable Ledger Entry")
	owing = (
		frappe.qb.from_(balance)
		.select(balance.customer)
		.where((balance.balance_of == "Customer Account") & (balance.balance != 0))
	)
	later = frappe.qb.from_(ledger).select(ledger.customer).where(ledger.posting_date > as_of)
	if only_customer:
		owing = owing.where(balance.customer == only_customer)
		later = later.where(ledger.customer == only_customer)
	return owing.union(later).as_("candidates")


def bucket_title() -> list[str]:
	return [
		_("{0}-{1} Days").format(start, end) if end is not None else _("Over {0} Days").format(start - 1)
		for start, end in bucket_labels()
	]


def get_columns(group_by: str) -> list[dict]:
	if group_by == "Customer":
		columns = [
			{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer Account", "width": 150},
			{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
			{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 160},
		]  # fmt: skip
	else:
		columns = owner_columns(group_by == "Department")
	columns.append(
		{"fieldname": "outstanding", "label": _("Outstanding"), "fieldtype": "Currency", "width": 130}
	)
	columns += [
		{"fieldname": k, "label": label, "fieldtype": "Currency", "width": 120}
		for k, label in zip(BUCKETS, bucket_title(), strict=True)
	]
	columns.append(
		{"fieldname": "credit", "label": _("Credit Balance"), "fieldtype": "Currency", "width": 120}
	)
	return columns
