"""Device profiles: how to open and wake a caller-ID device, and which decoder reads it.

Every decoder has the same interface: `feed(data: bytes) -> list[CallerIdEvent]`, `flush()` when the
line is idle, and `rejected` for the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crm_suite.hardware.dtmf import DtmfDecoder
from crm_suite.hardware.fsk import FskDecoder
from crm_suite.hardware.modem import CID_COMMANDS, GSM_INIT, MODEM_RESET, ModemDecoder
from crm_suite.hardware.stream import Decoder


class UnknownProfileError(ValueError):
	"""The configured device profile name is not one of PROFILES."""


@dataclass(frozen=True)
class DeviceProfile:
	name: str
	baudrate: int
	decoder_factory: Callable[..., Decoder]
	description: str
	# Sent once after opening, each answered by OK
	init_strings: tuple[str, ...] = ()
	# Tried in order until one answers OK: modems of different chip families know different commands
	cid_enable: tuple[str, ...] = ()
	command_terminator: str = "\r"
	rtscts: bool = False

	def new_decoder(self, *, line_id: str | None = None) -> Decoder:
		return self.decoder_factory(line_id=line_id)


PROFILES: dict[str, DeviceProfile] = {
	profile.name: profile
	for profile in (
		DeviceProfile(
			name="modem",
			baudrate=115200,
			decoder_factory=ModemDecoder,
			description="AT voice modem reporting caller ID as text (+VCID=1 / #CID=1) or hex frames",
			init_strings=MODEM_RESET,
			cid_enable=tuple(commands["text"] for commands in CID_COMMANDS.values()),
			rtscts=True,
		),
		DeviceProfile(
			name="fsk_box",
			baudrate=1200,
			decoder_factory=FskDecoder,
			description="Raw FSK demodulator box (CTI Comet, HT9032, CH340 boards): binary SDMF/MDMF frames",
		),
		DeviceProfile(
			name="dtmf_box",
			baudrate=9600,
			decoder_factory=DtmfDecoder,
			description="DTMF caller-ID receiver printing the detected digits (A…C, D…C, …#)",
		),
		DeviceProfile(
			name="gsm",
			baudrate=115200,
			decoder_factory=ModemDecoder,
			description="GSM/3G/4G module reporting +CLIP after each RING",
			init_strings=GSM_INIT,
		),
	)
}


def get_profile(name: str) -> DeviceProfile:
	try:
		return PROFILES[name]
	except KeyError:
		known = ", ".join(sorted(PROFILES))
		raise UnknownProfileError(
			f"unknown caller-ID device profile {name!r}; known profiles: {known}"
		) from None
