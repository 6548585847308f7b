"""Customers get the pinyin initials of their name in a column of their own (SPEC CUS-06): link search
matches them by prefix on an index. Filled set-based from the stored pinyin keys ('full initials')."""

import frappe


def execute():
	# SUBSTRING_INDEX has no frappe.qb spelling; no user input in the statement.
	frappe.db.sql(
		"""update `tabCustomer Account` set `name_initials` = substring_index(`name_pinyin`, ' ', -1)
		where `name_initials` is null and `name_pinyin` is not null"""
	)
