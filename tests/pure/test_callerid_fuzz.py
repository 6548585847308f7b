"""CALL-01 robustness: 100,000 random and mutated FSK frames plus hypothesis properties.

One-shot parsers may only raise CallerIdParseError; streaming decoders must never raise, because an
exception would kill the bridge's read loop and lose every later call.
"""

import random
import re
import string

import pytest
from crm_suite.hardware.dtmf import DtmfDecoder, parse_dtmf
from crm_suite.hardware.events import CallerIdEvent, CallerIdParseError, CallTime, placeholder_reason
from crm_suite.hardware.fsk import (
	MESSAGE_KINDS,
	FskDecoder,
	build_frame,
	build_mdmf,
	build_param,
	build_sdmf,
	parse_frame,
)
from crm_suite.hardware.modem import ModemDecoder, parse_modem_line, parse_modem_transcript
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SEED = 20250321
FUZZ_FRAMES = 100_000
# No example database: the tests must not write outside their own files
PROPERTY = settings(
	max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def assert_well_formed(event):
	assert isinstance(event, CallerIdEvent)
	for text in (event.number, event.name, event.called_number, event.redirecting_number):
		assert text is None or (
			isinstance(text, str) and text == text.strip() and text and not CONTROL.search(text)
		)
	assert event.number or event.name or event.absent_reason
	assert event.absent_reason in (None, "private", "unavailable")
	assert event.name_absent_reason in (None, "private", "unavailable")
	if event.when is not None:
		month, day, hour, minute = event.when.month, event.when.day, event.when.hour, event.when.minute
		assert month is None or (1 <= month <= 12 and 1 <= day <= 31)
		assert hour is None or (0 <= hour <= 23 and 0 <= minute <= 59)


# --- deterministic 100k frame fuzz ---------------------------------------------------------------


def random_digits(rng):
	# Leading non-zero: all-zero numbers mean "private" and are covered by the modem tests
	return rng.choice("123456789") + "".join(rng.choice(string.digits) for _ in range(rng.randint(0, 19)))


def random_valid_frame(rng):
	"""A well-formed frame and the (number, name, absent_reason) it must parse to."""
	when = f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
	number = random_digits(rng)
	if rng.random() < 0.3:
		if rng.random() < 0.5:
			return build_sdmf(number, when=when), (number, None, None)
		return build_sdmf(when=when, absent_reason="private"), (None, None, "private")
	name = "".join(rng.choice(string.ascii_uppercase + " ") for _ in range(rng.randint(1, 15))).strip() or "X"
	extra = tuple(
		(rng.choice([0x05, 0x06, 0x11, 0x16, 0x99]), rng.randbytes(rng.randint(0, 4)))
		for _ in range(rng.randint(0, 2))
	)
	frame = build_mdmf(number, name, when=when, extra_params=extra)
	return frame, (number, None if placeholder_reason(name) else name, None)


def mutate(rng, frame):
	data = bytearray(frame)
	for _ in range(rng.randint(1, 3)):
		operation = rng.randrange(7)
		position = rng.randrange(len(data) + 1)
		if operation == 0 and data:
			data[position % len(data)] ^= 1 << rng.randrange(8)
		elif operation == 1 and data:
			data[position % len(data)] = rng.randrange(256)
		elif operation == 2:
			data[position:position] = rng.randbytes(rng.randint(1, 3))
		elif operation == 3 and data:
			del data[position % len(data)]
		elif operation == 4:
			del data[position:]
		elif operation == 5 and len(data) > 1:
			data[1] = rng.randrange(256)
		elif operation == 6:
			data += rng.randbytes(rng.randint(1, 5))
	if data and rng.random() < 0.5:
		# Valid checksum after the damage, so the payload parsers get the mutated bytes
		data[-1] = -sum(data[:-1]) & 0xFF
	return bytes(data)


def random_frame(rng):
	message_type = rng.choice([*MESSAGE_KINDS, rng.randrange(256)])
	payload = rng.randbytes(rng.randint(0, 40))
	if rng.random() < 0.3:
		# TLV-shaped payload: valid structure, arbitrary contents
		payload = b"".join(
			build_param(rng.randrange(32), rng.randbytes(rng.randint(0, 12)))
			for _ in range(rng.randint(0, 4))
		)
	frame = build_frame(message_type, payload)
	return frame if rng.random() < 0.5 else frame[:-1] + bytes([rng.randrange(256)])


@pytest.fixture(scope="module")
def corpus():
	"""(frame, expected) pairs: 10% intact frames with what they must parse to, 60% mutated, 30% random."""
	rng = random.Random(SEED)
	frames = []
	for _ in range(FUZZ_FRAMES):
		roll = rng.random()
		if roll < 0.1:
			frame, expected = random_valid_frame(rng)
			frames.append((frame, expected))
		elif roll < 0.7:
			frames.append((mutate(rng, random_valid_frame(rng)[0]), None))
		else:
			frames.append((random_frame(rng), None))
	return frames


def test_one_shot_parser_raises_only_parse_errors_on_100k_frames(corpus):
	parsed = rejected = 0
	for frame, expected in corpus:
		try:
			event = parse_frame(frame)
		except CallerIdParseError:
			assert expected is None, frame.hex()
			rejected += 1
			continue
		assert_well_formed(event)
		if expected is not None:
			assert (event.number, event.name, event.absent_reason) == expected, frame.hex()
		parsed += 1
	assert parsed + rejected == FUZZ_FRAMES
	# Both outcomes must be common, or the fuzz is not reaching the payload parsers
	assert parsed > 10_000 and rejected > 10_000, (parsed, rejected)


def test_stream_decoder_never_raises_and_recovers_intact_frames_among_garbage(corpus):
	rng = random.Random(SEED + 1)
	stream = bytearray()
	for frame, _ in corpus:
		stream += b"\x55" * rng.randint(0, 3) + frame
	decoder = FskDecoder()
	events = []
	pos = 0
	while pos < len(stream):
		step = rng.randint(1, 300)
		events += decoder.feed(bytes(stream[pos : pos + step]))
		pos += step
	events += decoder.flush()
	for event in events:
		assert_well_formed(event)
	intact = {frame for frame, expected in corpus if expected is not None}
	recovered = {event.raw for event in events} & intact
	# Garbage just before a frame may rarely fake a frame that swallows it; nearly all must survive
	assert len(recovered) >= 0.98 * len(intact), (len(recovered), len(intact))


def test_text_decoders_never_raise_on_random_and_mutated_lines():
	rng = random.Random(SEED + 2)
	vocabulary = [
		"RING", "DATE = 0321", "TIME = 1405", "NMBR = 13800138000", "NAME = JOHN", "NMBR = P", "MESG = 110101",
		"DDN_NMBR= 9932562", "DATE TIME=11/24 22:10", "TIME: 03-21 14:05", "FM:0765628312 TO:8673312",
		'+CLIP: "13800138000",129,,,,0', "###DATE03301423...NMBR4075551212...NAMEX+++",
		build_mdmf("13800138000", when="03211405").hex(), "D13800138000C", "B10C", "D1#", "A1234D5678C",
	]  # fmt: skip
	modem, dtmf = ModemDecoder(), DtmfDecoder()
	for _ in range(20_000):
		line = rng.choice(vocabulary)
		if rng.random() < 0.6:
			line = mutate(rng, line.encode("latin-1")).decode("latin-1")
		data = (line + rng.choice(["\r\n", "\r", "\n", ""])).encode("latin-1")
		for event in modem.feed(data) + dtmf.feed(data):
			assert_well_formed(event)
		for parser in (parse_modem_line, parse_dtmf):
			try:
				result = parser(line)
			except CallerIdParseError:
				continue
			if result is not None:
				assert_well_formed(result)
	modem.flush()
	dtmf.flush()


# --- hypothesis properties -----------------------------------------------------------------------

digits = st.text(alphabet=string.digits, min_size=1, max_size=20).filter(lambda n: n.strip("0"))
# Printable text: the parsers drop control characters and surrounding blanks by design
names = st.text(
	alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"))
	| st.just(" "),
	min_size=1,
	max_size=20,
).filter(lambda name: name == name.strip() and placeholder_reason(name) is None)
call_times = st.builds(
	CallTime, st.integers(1, 12), st.integers(1, 31), st.integers(0, 23), st.integers(0, 59)
)


@PROPERTY
@given(number=digits, name=names, when=call_times)
def test_mdmf_build_parse_round_trip(number, name, when):
	event = parse_frame(build_mdmf(number, name, when=when))
	assert (event.number, event.name, event.when) == (number, name, when)


@PROPERTY
@given(number=digits, when=call_times)
def test_sdmf_build_parse_round_trip(number, when):
	event = parse_frame(build_sdmf(number, when=when))
	assert (event.number, event.when) == (number, when)


@PROPERTY
@given(number=digits, name=names.filter(lambda n: "=" not in n and ":" not in n), when=call_times)
def test_modem_text_round_trip(number, name, when):
	transcript = (
		f"RING\r\n\r\nDATE = {when.month:02d}{when.day:02d}\r\nTIME = {when.hour:02d}{when.minute:02d}\r\n"
		f"NMBR = {number}\r\nNAME = {name}\r\n\r\nRING\r\n"
	)
	events = parse_modem_transcript(transcript)
	assert [(e.number, e.name, e.when) for e in events] == [(number, name, when)]


@PROPERTY
@given(
	numbers=st.lists(digits, min_size=1, max_size=5),
	cuts=st.lists(st.integers(1, 40), min_size=1, max_size=50),
	preamble=st.binary(max_size=8).map(lambda b: bytes(0x55 if x % 2 else 0xAA for x in b)),
)
def test_stream_split_anywhere_gives_the_frames_in_order(numbers, cuts, preamble):
	frames = [build_mdmf(number, when="03211405") for number in numbers]
	stream = b"".join(preamble + frame for frame in frames)
	decoder = FskDecoder()
	events = []
	pos = 0
	for cut in cuts * (len(stream) // sum(cuts) + 1):
		events += decoder.feed(stream[pos : pos + cut])
		pos += cut
	assert [e.number for e in events + decoder.flush()] == numbers


@settings(max_examples=1500, deadline=None, database=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(data):
	try:
		assert_well_formed(parse_frame(data))
	except CallerIdParseError:
		pass
	for decoder in (FskDecoder(), ModemDecoder(), DtmfDecoder()):
		middle = len(data) // 2
		for event in decoder.feed(data[:middle]) + decoder.feed(data[middle:]) + decoder.flush():
			assert_well_formed(event)
