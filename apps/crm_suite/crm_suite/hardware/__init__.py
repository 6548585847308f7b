"""Caller-ID bridge: pure parsers for serial caller-ID devices (never import frappe here)."""

from crm_suite.hardware.events import CallerIdEvent, CallerIdParseError, CallTime, NotCallerIdError
from crm_suite.hardware.profiles import DeviceProfile, UnknownProfileError, get_profile

__all__ = [
	"CallTime",
	"CallerIdEvent",
	"CallerIdParseError",
	"DeviceProfile",
	"NotCallerIdError",
	"UnknownProfileError",
	"get_profile",
]
