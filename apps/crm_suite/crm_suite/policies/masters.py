"""Seeded master values shared by install (the records) and the demo generator (the rows). Pure."""

SOURCES = (
	"Phone Inquiry",
	"Website",
	"Exhibition",
	"Referral",
	"Advertising",
	"Cold Call",
	"WeChat",
	"Other",
)
INDUSTRIES = (
	"Manufacturing",
	"IT and Internet",
	"Finance",
	"Retail",
	"Education",
	"Healthcare",
	"Construction",
	"Logistics",
	"Government",
	"Other",
)
