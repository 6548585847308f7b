# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.policies.pinyin import pinyin_keys


class KnowledgeArticle(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category: DF.Link
		content: DF.TextEditor
		keywords: DF.Data | None
		naming_series: DF.Literal["KB-.#####"]
		published: DF.Check
		question: DF.SmallText | None
		title: DF.Data
		title_pinyin: DF.Data | None
	# end: auto-generated types
	"""A knowledge base article (SPEC SVC-04): searched by title, keywords and the title's pinyin."""

	def validate(self):
		self.title_pinyin = pinyin_keys(self.title)
