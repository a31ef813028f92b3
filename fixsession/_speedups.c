/* fixsession._speedups: the hot paths of framing, validating and encoding, in C.
 *
 * Optional: when this extension is not built (or speedups.pure_python() is in effect),
 * framing.py and message.py run their pure-Python versions of the same jobs, which stay the
 * reference; the tests run both and compare them byte for byte. Each function handles the
 * common, valid case and answers None (or stops) for anything else, so that every rule and
 * every error message lives in Python.
 *
 * frame_run(buf, start, max_frame_size, out) -> (stop, need)
 *     Appends to `out` the frames at `start` that are clean: BeginString, BodyLength digits
 *     and MsgType in place, the trailer 10=ddd<SOH> where BodyLength puts it, CheckSum right,
 *     and every field `tag=value<SOH>` with a tag of 1 to 9 digits not starting with 0 and a
 *     value of printable ASCII that is not empty. It stops at the first frame that is not clean and
 *     returns where it stopped; framing.py then judges that frame exactly (a clean frame is
 *     valid; one that is not clean may still be, e.g. with a RawData(96) holding SOH, or
 *     UTF-8 in a Text(58)). `need` is 0, or the size of a frame whose head is clean but
 *     whose end is not buffered yet.
 *
 * wire_texts(values, decimal_type) -> tuple[str, ...] | None
 *     The wire text of field values that are str, int or Decimal (without an exponent); None
 *     when any value is of another type, is a Decimal in exponent notation, or is an empty
 *     str, so that message.py normalises them (and raises for an empty one) in Python.
 *
 * split_fields(msg_type, fields, decimal_type) -> (tags, texts) | None
 *     The tags and wire texts of a list or tuple of (tag, value) pairs, with wire_texts' rules
 *     for the values; None when MsgType is not a non-empty str without SOH and '=', when a
 *     field is not a 2-tuple whose tag is an int (or IntEnum) from 1 to 2**63 - 1, or when wire_texts
 *     would say None: message.py then builds the message in Python, and raises where it must.
 *
 * encode_frame(msg_type, tags, texts, begin_string[, head_tags, head_texts, reserved])
 *     -> bytes | None
 *     The frame: 8=begin_string, 9=BodyLength, 35=msg_type, tag=text for each field (the
 *     head's first, when given: a session's header), then 10=CheckSum. None also when a tag
 *     of the body is in `reserved` (the header's tags: the session then drops them; a
 *     frozenset's tags are read once into bits). None when a tag is not an int from 1 to
 *     2**63 - 1, or MsgType or a text is empty or not ASCII or holds SOH (a RawData may):
 *     message.py then encodes it in Python, and raises where it must.
 *
 * parse_known(frame, programs, message_type) -> (plan, message_type) | None
 *     A frame of a layout seen before, read and judged at once: its MsgType and number of
 *     fields find the layouts' programs (validation.py compiles one per valid layout from the
 *     same rules as its regular expressions, and the tests hold the two to agreeing), and
 *     the first program that finds every field with its tag and a value of the kind it says
 *     takes it: the layout's plan, and the Message (values as str) Python's
 *     `Message._trusted(msg_type, tags, values)` would make, built here, with the layout's
 *     index of its tags (shared by its messages). None when no
 *     program takes it (a field not as its program says, any byte outside printable ASCII):
 *     validation.py then judges the frame exactly. The helper walk_layout also gives
 *     stream_messages its values' places, made into str only when read (message.py), by
 *     span_values(frame, spans) -> tuple[str, ...].
 *
 * sending_time(epoch, digits) -> str | None
 *     binance.format_sending_time's UTCTIMESTAMP (YYYYMMDD-HH:MM:SS and 0 to 6 decimals of
 *     the second, rounded to the microsecond as round() does) for a float epoch from 1970
 *     to 9999; None for anything else (binance.py then writes it).
 *
 * values_valid(program, values) -> bool
 *     Whether a message's values (str) are each printable ASCII, not empty, and of the kind
 *     its layout's program says, field by field (parse_known's checks, without a frame): a
 *     message to send is judged so. False sends validation.py to judge it exactly.
 *
 * stream_messages(items, start, head, program, seq_field, expected, message_type,
 *                 event_type, msg_type, tags, key) -> list[event_type]
 *     The frames from items[start] on that have MsgType `head` ("35=X<SOH>"), are as
 *     `program` says, and carry MsgSeqNum expected, expected + 1, ... in their field number
 *     `seq_field`, up to the first that does not (a session's market-data stream, validated
 *     in one call: the session takes the rest one by one); for each, the event Python's
 *     `event_type(Message._lazy(msg_type, tags, frame, spans, key))` would make, built here
 *     (both classes have __slots__; their slots are found by name and filled in).
 *
 * sbe_frames(buffer, at, max_size, schema_id, table, decimal_type, message_type, out) -> int
 *     Appends to `out` the SBE messages from `at` on that are whole and the common case, and
 *     returns where it stopped: SOFH right (encodingType 0xEB50, messageLength from 26 to
 *     `max_size`), schema `schema_id`, a template in `table` (name and program by template
 *     ID: sbe.py compiles them once from the schema: per block its size, newest version and
 *     fields, packed, with their names, enum tables, exponents and nulls; per group its
 *     dimensions' primitives, block, groups and var data; per var data its length's
 *     primitive), read with sbe.py's `_Reader` rules: values by name, nulls left out,
 *     decimals as `decimal_type` from mantissa and exponent, enums by name, char as str, var
 *     data as UTF-8 str; each as `message_type` (an __slots__ class, filled as
 *     stream_messages fills its events). It stops at the first frame that is not whole, or
 *     not the common case (a SOFH or header fault, a block shorter than its fields or of an
 *     older version, a value past the end, a missing exponent, var data that is not UTF-8 or
 *     empty where required, bytes after the last field): sbe.py then reads that one and
 *     raises the error Binance answers with.
 *
 * sbe_encode(program, values, template_id, schema_id, version, seq_num, sending_time,
 *            decimal_type) -> bytes | None
 *     The SBE frame sbe.encode writes for `values` (a dict, as decode makes it) with the same
 *     programs: each block from its nulls, the values given written over them (enums by
 *     name, decimals as mantissas of the exponent given or of the least one that writes all
 *     the decimals it scales exactly), groups and var data after it, then the SOFH and
 *     header. None for anything else (a name that is not the message's, a required field
 *     missing, a value of another type or that does not fit, an int or Decimal of more than
 *     19 digits): sbe.py then writes it, or raises the ValueError that names the field.
 *
 * made(cls, *values) -> cls
 *     An instance of a class whose fields are its own __slots__ (a dataclass with slots=True,
 *     frozen or not; Message), its slots set to `values` in __slots__ order: what its
 *     __init__ (or Message._trusted) makes, without a frozen dataclass's object.__setattr__
 *     per field. TypeError when the class has no such __slots__, or for a wrong count.
 *
 * read_only(cls, slot, name, doc) -> descriptor
 *     A read-only member descriptor for the object slot `slot` of the __slots__ class `cls`
 *     (message.py makes Message.msg_type and Message.tags so: reading one is then a slot read,
 *     not a property's Python call). Its definition is kept for the process's life.
 *
 * No function does I/O or keeps state, except three caches that hold what they describe (so
 * that its address cannot be reused): where the slots of the last class parse_known was given
 * are, those of the last eight classes made() was given, and which tags the last reserved
 * frozenset encode_frame was given holds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <time.h>

#define SOH 1
#define MAX_LENGTH_DIGITS 10 /* zero-padded BodyLength (9=0000113) is accepted */
#define MAX_TAG_DIGITS 9     /* a tag number is 1 to 999,999,999 (message.MAX_TAG_DIGITS) */

static const char HEAD[] = "8=FIX.4.4\x01" "9="; /* 12 bytes */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* The end of the clean frame at buf[i], or 0 when there is none there. Sets *need when the
 * frame's head is clean but the frame is not all in buf. */
static Py_ssize_t
clean_frame(const unsigned char *buf, Py_ssize_t i, Py_ssize_t n, Py_ssize_t limit,
            Py_ssize_t *need)
{
    if (n - i < 12 || memcmp(buf + i, HEAD, 12) != 0)
        return 0;
    Py_ssize_t p = i + 12;
    Py_ssize_t length = 0;
    while (p < n && p < i + 12 + MAX_LENGTH_DIGITS && is_digit(buf[p]))
        length = length * 10 + (buf[p++] - '0');
    Py_ssize_t soh = p;
    if (soh == i + 12 || soh + 4 > n || memcmp(buf + soh, "\x01" "35=", 4) != 0)
        return 0;
    Py_ssize_t body_end = soh + 1 + length;
    Py_ssize_t end = body_end + 7;
    if (end - i > limit)
        return 0;
    if (end > n) {
        *need = end - i;
        return 0;
    }
    const unsigned char *t = buf + body_end - 1; /* SOH 1 0 = d d d SOH */
    if (t[0] != SOH || t[1] != '1' || t[2] != '0' || t[3] != '=' || !is_digit(t[4]) ||
        !is_digit(t[5]) || !is_digit(t[6]) || t[7] != SOH)
        return 0;
    unsigned int checksum = (t[4] - '0') * 100 + (t[5] - '0') * 10 + (t[6] - '0');
    unsigned int sum = 0;
    for (Py_ssize_t k = i; k < body_end; k++)
        sum += buf[k];
    if (checksum > 255 || (sum & 0xFF) != checksum)
        return 0;
    /* The body, from 35= to the SOH before 10=, field by field; buf[body_end - 1] is SOH,
     * so every scan below stops inside the body. */
    Py_ssize_t q = soh + 1;
    while (q < body_end) {
        if (buf[q] < '1' || buf[q] > '9')
            return 0;
        Py_ssize_t tag_start = q;
        while (is_digit(buf[q]))
            q++;
        if (buf[q] != '=' || q - tag_start > MAX_TAG_DIGITS)
            return 0;
        Py_ssize_t value_start = ++q;
        while (buf[q] >= 0x20 && buf[q] <= 0x7E)
            q++;
        if (buf[q] != SOH || q == value_start)
            return 0;
        q++;
    }
    return end;
}

static PyObject *
frame_run(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyBytes_CheckExact(args[0]) || !PyList_CheckExact(args[3])) {
        PyErr_SetString(PyExc_TypeError, "frame_run(bytes, int, int, list)");
        return NULL;
    }
    Py_ssize_t i = PyLong_AsSsize_t(args[1]);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t limit = PyLong_AsSsize_t(args[2]);
    if (limit == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return NULL;
        PyErr_Clear(); /* a limit beyond any buffer: no limit */
        limit = PY_SSIZE_T_MAX;
    }
    const unsigned char *buf = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    PyObject *out = args[3];
    Py_ssize_t need = 0;
    if (i < 0)
        i = n;
    while (i < n) {
        Py_ssize_t end = clean_frame(buf, i, n, limit, &need);
        if (end == 0)
            break;
        PyObject *frame = PyBytes_FromStringAndSize((const char *)buf + i, end - i);
        if (frame == NULL)
            return NULL;
        int failed = PyList_Append(out, frame);
        Py_DECREF(frame);
        if (failed)
            return NULL;
        i = end;
    }
    return Py_BuildValue("nn", i, need);
}

/* The wire text of a str, int or Decimal value (a new reference); NULL with no exception set
 * when Python must normalise it (message.py's _text), NULL with an exception on failure. */
static PyObject *
wire_text(PyObject *value, PyObject *decimal)
{
    if (PyUnicode_CheckExact(value))
        return PyUnicode_GET_LENGTH(value) ? Py_NewRef(value) : NULL;
    if (PyLong_CheckExact(value))
        return PyObject_Str(value);
    if ((PyObject *)Py_TYPE(value) != decimal)
        return NULL;
    PyObject *text = PyObject_Str(value);
    if (text != NULL && (PyUnicode_FindChar(text, 'E', 0, PY_SSIZE_T_MAX, 1) != -1 ||
                         PyUnicode_FindChar(text, 'e', 0, PY_SSIZE_T_MAX, 1) != -1))
        Py_CLEAR(text); /* exponent notation: Python writes it out */
    return text;
}

static PyObject *
wire_texts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "wire_texts(tuple, type)");
        return NULL;
    }
    Py_ssize_t size = PyTuple_GET_SIZE(args[0]);
    PyObject *texts = PyTuple_New(size);
    if (texts == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < size; k++) {
        PyObject *text = wire_text(PyTuple_GET_ITEM(args[0], k), args[1]);
        if (text == NULL) {
            Py_DECREF(texts);
            if (PyErr_Occurred())
                return NULL;
            Py_RETURN_NONE;
        }
        PyTuple_SET_ITEM(texts, k, text);
    }
    return texts;
}

static PyObject *
split_fields(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "split_fields(msg_type, fields, type)");
        return NULL;
    }
    PyObject *msg_type = args[0], *fields = args[1];
    if (!PyUnicode_CheckExact(msg_type) || PyUnicode_GET_LENGTH(msg_type) == 0 ||
        PyUnicode_FindChar(msg_type, SOH, 0, PY_SSIZE_T_MAX, 1) != -1 ||
        PyUnicode_FindChar(msg_type, '=', 0, PY_SSIZE_T_MAX, 1) != -1 ||
        !(PyList_CheckExact(fields) || PyTuple_CheckExact(fields)))
        Py_RETURN_NONE;
    Py_ssize_t size = PySequence_Fast_GET_SIZE(fields);
    PyObject **items = PySequence_Fast_ITEMS(fields);
    PyObject *tags = PyTuple_New(size);
    PyObject *texts = PyTuple_New(size);
    if (tags == NULL || texts == NULL)
        goto failed;
    for (Py_ssize_t k = 0; k < size; k++) {
        PyObject *pair = items[k];
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2)
            goto careful;
        PyObject *tag = PyTuple_GET_ITEM(pair, 0);
        if (!PyLong_Check(tag) || PyBool_Check(tag) || PyLong_AsLongLong(tag) <= 0) {
            PyErr_Clear(); /* a tag too big for 64 bits: Python says what is wrong */
            goto careful;
        }
        PyObject *text = wire_text(PyTuple_GET_ITEM(pair, 1), args[2]);
        if (text == NULL)
            goto careful;
        PyTuple_SET_ITEM(tags, k, Py_NewRef(tag));
        PyTuple_SET_ITEM(texts, k, text);
    }
    return Py_BuildValue("(NN)", tags, texts);
careful:
    if (PyErr_Occurred())
        goto failed;
    Py_DECREF(tags);
    Py_DECREF(texts);
    Py_RETURN_NONE;
failed:
    Py_XDECREF(tags);
    Py_XDECREF(texts);
    return NULL;
}

/* ``value`` (0 <= value < 10**width) in ``width`` decimal digits, zero-padded. */
static void
put_digits(char *out, long value, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        out[k] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Writes the decimal digits of value (> 0) at out; returns how many. */
static Py_ssize_t
write_number(char *out, unsigned long long value)
{
    char digits[20];
    Py_ssize_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (Py_ssize_t k = 0; k < count; k++)
        out[k] = digits[count - 1 - k];
    return count;
}

/* The text of a str that is ASCII without SOH, else NULL. */
static const char *
plain_text(PyObject *text, Py_ssize_t *length)
{
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_ASCII(text))
        return NULL;
    const char *data = (const char *)PyUnicode_1BYTE_DATA(text);
    *length = PyUnicode_GET_LENGTH(text);
    return memchr(data, SOH, *length) == NULL ? data : NULL;
}

/* encode_frame's reserved tags (a session's header: the same frozenset every call), as bits,
 * so that a body's tags are not each hashed and looked up in it: the last frozenset seen
 * (held, so that its address cannot be reused), which tags below RESERVED_BITS it holds, and
 * whether it holds anything else (then those are looked up in the set itself). */
#define RESERVED_BITS 65536
static PyObject *reserved_set = NULL;
static unsigned char reserved_bits[RESERVED_BITS / 8];
static int reserved_large = 0;

/* 1 if reserved_bits now describe `set`, 0 if it is not a frozenset (look each tag up), -1 on
 * an error. */
static int
reserved_bits_of(PyObject *set)
{
    if (set == reserved_set)
        return 1;
    if (!PyFrozenSet_CheckExact(set))
        return 0;
    PyObject *iterator = PyObject_GetIter(set), *item;
    if (iterator == NULL)
        return -1;
    memset(reserved_bits, 0, sizeof reserved_bits);
    reserved_large = 0;
    Py_CLEAR(reserved_set); /* (described by nothing while the bits are half made) */
    while ((item = PyIter_Next(iterator)) != NULL) {
        int overflow = 0;
        long long number = PyLong_Check(item) ? PyLong_AsLongLongAndOverflow(item, &overflow) : -1;
        if (number == -1 && PyErr_Occurred()) {
            Py_DECREF(item);
            Py_DECREF(iterator);
            return -1;
        }
        if (number >= 0 && number < RESERVED_BITS)
            reserved_bits[number >> 3] |= (unsigned char)(1 << (number & 7));
        else
            reserved_large = 1; /* a large tag, or not a number: looked up in the set */
        Py_DECREF(item);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred())
        return -1;
    Py_INCREF(set);
    reserved_set = set;
    return 1;
}

static PyObject *
encode_frame(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* encode_frame(msg_type, tags, texts, begin_string[, head_tags, head_texts, reserved]):
     * the head's fields first, then the body's (none of whose tags may be in `reserved`). */
    if ((nargs != 4 && nargs != 7) || !PyTuple_CheckExact(args[1]) ||
        !PyTuple_CheckExact(args[2]) || !PyBytes_CheckExact(args[3]) ||
        PyTuple_GET_SIZE(args[1]) != PyTuple_GET_SIZE(args[2]) ||
        (nargs == 7 && (!PyTuple_CheckExact(args[4]) || !PyTuple_CheckExact(args[5]) ||
                        PyTuple_GET_SIZE(args[4]) != PyTuple_GET_SIZE(args[5]) ||
                        !PyAnySet_CheckExact(args[6])))) {
        PyErr_SetString(PyExc_TypeError, "encode_frame(str, tuple, tuple, bytes"
                                         "[, tuple, tuple, frozenset])");
        return NULL;
    }
    /* The fields in order: the head's (if any), then the body's. */
    PyObject *tag_parts[2], *text_parts[2];
    int parts = 0;
    if (nargs == 7) {
        tag_parts[parts] = args[4], text_parts[parts++] = args[5];
        int known = reserved_bits_of(args[6]);
        if (known < 0)
            return NULL;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(args[1]); k++) {
            PyObject *tag = PyTuple_GET_ITEM(args[1], k);
            int reserved, overflow;
            long long number =
                known && PyLong_Check(tag) ? PyLong_AsLongLongAndOverflow(tag, &overflow) : -1;
            if (number >= 0 && number < RESERVED_BITS)
                reserved = (reserved_bits[number >> 3] >> (number & 7)) & 1;
            else if (number >= RESERVED_BITS && !reserved_large)
                reserved = 0;
            else
                reserved = PySet_Contains(args[6], tag);
            if (reserved < 0)
                return NULL;
            if (reserved)
                Py_RETURN_NONE;
        }
    }
    tag_parts[parts] = args[1], text_parts[parts++] = args[2];
    Py_ssize_t begin_length = PyBytes_GET_SIZE(args[3]);
    const char *begin_string = PyBytes_AS_STRING(args[3]);
    Py_ssize_t msg_type_length, length;
    const char *msg_type = plain_text(args[0], &msg_type_length);
    if (msg_type == NULL || msg_type_length == 0 || memchr(begin_string, SOH, begin_length) != NULL)
        Py_RETURN_NONE;
    /* BodyLength: 35=MsgType<SOH>, then tag=text<SOH> for each field (tags are < 2**63). */
    Py_ssize_t body = 3 + msg_type_length + 1;
    char tag_text[20];
    for (int part = 0; part < parts; part++) {
        PyObject *tags = tag_parts[part], *texts = text_parts[part];
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(tags); k++) {
            PyObject *tag = PyTuple_GET_ITEM(tags, k);
            if (!PyLong_Check(tag) || PyBool_Check(tag) ||
                plain_text(PyTuple_GET_ITEM(texts, k), &length) == NULL)
                Py_RETURN_NONE;
            unsigned long long number = PyLong_AsUnsignedLongLong(tag);
            if (number == (unsigned long long)-1 && PyErr_Occurred()) {
                PyErr_Clear();
                Py_RETURN_NONE;
            }
            if (number == 0 || number > (unsigned long long)LLONG_MAX) /* not a tag */
                Py_RETURN_NONE;
            body += write_number(tag_text, number) + 1 + length + 1;
        }
    }
    char head[64];
    memcpy(head, "9=", 2);
    Py_ssize_t head_length = 2 + write_number(head + 2, (unsigned long long)body);
    head[head_length++] = SOH;
    Py_ssize_t size = 2 + begin_length + 1 + head_length + body + 7;
    PyObject *frame = PyBytes_FromStringAndSize(NULL, size);
    if (frame == NULL)
        return NULL;
    char *out = PyBytes_AS_STRING(frame), *p = out;
    memcpy(p, "8=", 2), p += 2;
    memcpy(p, begin_string, begin_length), p += begin_length;
    *p++ = SOH;
    memcpy(p, head, head_length), p += head_length;
    memcpy(p, "35=", 3), p += 3;
    memcpy(p, msg_type, msg_type_length), p += msg_type_length;
    *p++ = SOH;
    for (int part = 0; part < parts; part++) { /* all checked above */
        PyObject *tags = tag_parts[part], *texts = text_parts[part];
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(tags); k++) {
            PyObject *text = PyTuple_GET_ITEM(texts, k);
            length = PyUnicode_GET_LENGTH(text);
            p += write_number(p, PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(tags, k)));
            *p++ = '=';
            memcpy(p, PyUnicode_1BYTE_DATA(text), length), p += length;
            *p++ = SOH;
        }
    }
    unsigned int sum = 0;
    for (const unsigned char *c = (const unsigned char *)out; c < (unsigned char *)p; c++)
        sum += *c;
    sum &= 0xFF;
    memcpy(p, "10=", 3), p += 3;
    put_digits(p, (long)sum, 3), p += 3;
    *p = SOH;
    return frame;
}

/* -- layout_values ------------------------------------------------------------------------
 * A program is bytes: for each field, the length of its "TAG=" prefix and the prefix, then
 * an op and its arguments (validation.py's _op writes them). */
enum {
    OP_ANY = 0,       /* any non-empty value */
    OP_INT = 1,       /* [signed: 1 byte][max digits: 1 byte]: -?[0-9]{1,max} */
    OP_DECIMAL = 2,   /* -?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+) */
    OP_TIMESTAMP = 3, /* YYYYMMDD-HH:MM:SS(.sss|.ssssss)? with Binance's ranges */
    OP_CHARS = 4,     /* [min: 1][max: 1][set: 32-byte bitmap]: min to max bytes of the set */
    OP_ENUM = 5,      /* [count: 1] then count times [length: 1][text] */
};

static int in_set(const unsigned char *set, unsigned char c) { return set[c >> 3] & (1 << (c & 7)); }

static int digits_between(const unsigned char *v, Py_ssize_t n, Py_ssize_t lo, Py_ssize_t hi)
{
    if (n < lo || n > hi)
        return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (!is_digit(v[k]))
            return 0;
    return 1;
}

static int two_digits_in(const unsigned char *v, int lo, int hi)
{
    if (!is_digit(v[0]) || !is_digit(v[1]))
        return 0;
    int value = (v[0] - '0') * 10 + (v[1] - '0');
    return value >= lo && value <= hi;
}

static int is_timestamp(const unsigned char *v, Py_ssize_t n)
{
    if (n != 17 && n != 21 && n != 24)
        return 0;
    if (!digits_between(v, 4, 4, 4) || !two_digits_in(v + 4, 1, 12) || !two_digits_in(v + 6, 1, 31) ||
        v[8] != '-' || !two_digits_in(v + 9, 0, 23) || v[11] != ':' || !two_digits_in(v + 12, 0, 59) ||
        v[14] != ':' || !two_digits_in(v + 15, 0, 60))
        return 0;
    return n == 17 || (v[17] == '.' && digits_between(v + 18, n - 18, n - 18, n - 18));
}

static int is_decimal(const unsigned char *v, Py_ssize_t n)
{
    Py_ssize_t k = (n > 0 && v[0] == '-');
    Py_ssize_t whole = 0, fraction = 0;
    while (k < n && is_digit(v[k]))
        k++, whole++;
    if (k < n && v[k] == '.') {
        k++;
        while (k < n && is_digit(v[k]))
            k++, fraction++;
        return k == n && (whole > 0 || fraction > 0);
    }
    return k == n && whole > 0;
}

/* Whether the value v (length bytes, printable ASCII, not empty) is as the op at p says
 * (*ok); where the program goes on. */
static const unsigned char *
value_op(const unsigned char *p, const unsigned char *v, Py_ssize_t length, int *ok)
{
    unsigned char op = *p++;
    *ok = 1;
    switch (op) {
    case OP_ANY:
        break;
    case OP_INT: {
        unsigned char sign = *p++, most = *p++;
        Py_ssize_t skip = (sign && v[0] == '-');
        *ok = digits_between(v + skip, length - skip, 1, most);
        break;
    }
    case OP_DECIMAL:
        *ok = is_decimal(v, length);
        break;
    case OP_TIMESTAMP:
        *ok = is_timestamp(v, length);
        break;
    case OP_CHARS: {
        unsigned char least = *p++, most = *p++;
        *ok = length >= least && length <= most;
        for (Py_ssize_t k = 0; *ok && k < length; k++)
            *ok = in_set(p, v[k]) != 0;
        p += 32;
        break;
    }
    case OP_ENUM: {
        unsigned char count = *p++;
        *ok = 0;
        for (unsigned char k = 0; k < count; k++) {
            unsigned char size = *p++;
            if (!*ok && size == length && memcmp(p, v, size) == 0)
                *ok = 1;
            p += size;
        }
        break;
    }
    default:
        *ok = 0;
    }
    return p;
}

/* Walks the fields from `pos` to the trailer as `program` says; writes each value's start and
 * end into `spans` (2 per field, at most `room` fields). The number of fields, or -1 when a
 * field is not as the program says (or any byte is not printable ASCII). */
static Py_ssize_t
walk_layout(const unsigned char *f, Py_ssize_t n, Py_ssize_t pos, const unsigned char *p,
            const unsigned char *p_end, uint32_t *spans, Py_ssize_t room)
{
    /* The trailer: SOH, then 10=ddd<SOH> at the very end. */
    if (pos < 0 || n < pos + 8 || n > UINT32_MAX || f[n - 8] != SOH ||
        memcmp(f + n - 7, "10=", 3) != 0 || !is_digit(f[n - 4]) || !is_digit(f[n - 3]) ||
        !is_digit(f[n - 2]) || f[n - 1] != SOH)
        return -1;
    Py_ssize_t body_end = n - 7;
    Py_ssize_t index = 0;
    while (p < p_end) {
        if (index >= room)
            return -1;
        Py_ssize_t prefix = *p++;
        if (pos + prefix > body_end || memcmp(f + pos, p, prefix) != 0)
            return -1;
        p += prefix;
        Py_ssize_t start = pos + prefix;
        Py_ssize_t end = start;
        while (end < body_end && f[end] != SOH) {
            if (f[end] < 0x20 || f[end] > 0x7E)
                return -1;
            end++;
        }
        Py_ssize_t length = end - start;
        const unsigned char *v = f + start;
        if (end >= body_end || length == 0)
            return -1;
        int ok;
        p = value_op(p, v, length, &ok);
        if (!ok)
            return -1;
        spans[2 * index] = (uint32_t)start;
        spans[2 * index + 1] = (uint32_t)end;
        index++;
        pos = end + 1;
    }
    return pos == body_end ? index : -1; /* every field, and nothing more */
}

#define MAX_LAYOUT_FIELDS 4096

static PyObject *
values_valid(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* values_valid(program, values) -> bool: whether each of the values (str) is printable
     * ASCII, not empty, and as its field's op in `program` says (the tags aside), and there
     * are as many as the program has fields. */
    if (nargs != 2 || !PyBytes_CheckExact(args[0]) || !PyTuple_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "values_valid(bytes, tuple)");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    const unsigned char *p_end = p + PyBytes_GET_SIZE(args[0]);
    Py_ssize_t fields = PyTuple_GET_SIZE(args[1]);
    for (Py_ssize_t k = 0; k < fields; k++) {
        PyObject *value = PyTuple_GET_ITEM(args[1], k);
        if (p >= p_end || !PyUnicode_CheckExact(value) || !PyUnicode_IS_COMPACT_ASCII(value))
            Py_RETURN_FALSE;
        const unsigned char *v = PyUnicode_1BYTE_DATA(value);
        Py_ssize_t length = PyUnicode_GET_LENGTH(value);
        if (length == 0)
            Py_RETURN_FALSE;
        for (Py_ssize_t c = 0; c < length; c++)
            if (v[c] < 0x20 || v[c] > 0x7E)
                Py_RETURN_FALSE;
        p += 1 + *p; /* the field's "TAG=" */
        int ok;
        p = value_op(p, v, length, &ok);
        if (!ok)
            Py_RETURN_FALSE;
    }
    return PyBool_FromLong(p == p_end);
}

/* The values at `spans` (start and end of each of `fields`) of f, as str: walk_layout found
 * every byte printable ASCII. */
static PyObject *
values_at(const char *f, const uint32_t *spans, Py_ssize_t fields)
{
    PyObject *values = PyTuple_New(fields);
    if (values == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < fields; k++) {
        uint32_t start = spans[2 * k], end = spans[2 * k + 1];
        PyObject *text = PyUnicode_New(end - start, 127);
        if (text == NULL) {
            Py_DECREF(values);
            return NULL;
        }
        memcpy(PyUnicode_1BYTE_DATA(text), f + start, end - start);
        PyTuple_SET_ITEM(values, k, text);
    }
    return values;
}

static PyObject *
span_values(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyBytes_CheckExact(args[0]) || !PyBytes_CheckExact(args[1]) ||
        PyBytes_GET_SIZE(args[1]) % (2 * sizeof(uint32_t)) != 0) {
        PyErr_SetString(PyExc_TypeError, "span_values(bytes, spans)");
        return NULL;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    const uint32_t *spans = (const uint32_t *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t fields = PyBytes_GET_SIZE(args[1]) / (2 * sizeof(uint32_t));
    for (Py_ssize_t k = 0; k < fields; k++) {
        if (spans[2 * k + 1] < spans[2 * k] || spans[2 * k + 1] > n) {
            PyErr_SetString(PyExc_ValueError, "a span outside the frame");
            return NULL;
        }
    }
    return values_at(PyBytes_AS_STRING(args[0]), spans, fields);
}

/* Where the object slot `name` of the __slots__ class `type` lives in its instances. */
static Py_ssize_t
slot_offset(PyTypeObject *type, const char *name)
{
    PyObject *descriptor = PyObject_GetAttrString((PyObject *)type, name);
    if (descriptor == NULL)
        return -1;
    Py_ssize_t offset = -1;
    if (Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) {
        PyMemberDef *member = ((PyMemberDescrObject *)descriptor)->d_member;
        if (member->type == T_OBJECT_EX && !(member->flags & READONLY))
            offset = member->offset;
    }
    Py_DECREF(descriptor);
    if (offset < 0)
        PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", type->tp_name, name);
    return offset;
}

static const char *MESSAGE_SLOTS[] = {"_msg_type", "_tags", "_values", "_layout", "_index",
                                      "_key", "_frame", "_spans"};
static const char *EVENT_SLOTS[] = {"message", "error", "request"};
#define MESSAGE_SLOT_COUNT 8
#define EVENT_SLOT_COUNT 3

/* A new instance of `type` (as object.__new__ makes it) with its slots set to `values`. */
static PyObject *
filled(PyTypeObject *type, const Py_ssize_t *offsets, PyObject *const *values, int count)
{
    PyObject *object = type->tp_alloc(type, 0);
    if (object == NULL)
        return NULL;
    for (int k = 0; k < count; k++)
        *(PyObject **)((char *)object + offsets[k]) = Py_NewRef(values[k]);
    return object;
}

/* -- made ---------------------------------------------------------------------------------
 * made(cls, *values): an instance of `cls`, a class whose fields are its own __slots__ (a
 * dataclass with slots=True), with its slots, in __slots__ order, set to `values`: what its
 * __init__ makes, without a frozen dataclass's object.__setattr__ per field. The slots' places
 * are found once per class (the last MADE_TYPES classes are remembered, and held). */
#define MADE_TYPES 8
#define MADE_SLOTS 16
static PyTypeObject *made_types[MADE_TYPES];
static Py_ssize_t made_offsets[MADE_TYPES][MADE_SLOTS];
static Py_ssize_t made_counts[MADE_TYPES];
static int made_next = 0;

static int
made_entry(PyTypeObject *type)
{
    for (int k = 0; k < MADE_TYPES; k++)
        if (made_types[k] == type)
            return k;
    PyObject *slots = PyObject_GetAttrString((PyObject *)type, "__slots__");
    if (slots == NULL)
        return -1;
    Py_ssize_t offsets[MADE_SLOTS], count = PyTuple_Check(slots) ? PyTuple_GET_SIZE(slots) : -1;
    if (count < 0 || count > MADE_SLOTS) {
        Py_DECREF(slots);
        PyErr_Format(PyExc_TypeError, "made: %s.__slots__ is not a tuple of at most %d names",
                     type->tp_name, MADE_SLOTS);
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        const char *name = PyUnicode_Check(PyTuple_GET_ITEM(slots, k))
                               ? PyUnicode_AsUTF8(PyTuple_GET_ITEM(slots, k)) : NULL;
        if (name == NULL || (offsets[k] = slot_offset(type, name)) < 0) {
            Py_DECREF(slots);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "made: a slot name is not a str");
            return -1;
        }
    }
    Py_DECREF(slots);
    int entry = made_next;
    made_next = (made_next + 1) % MADE_TYPES;
    Py_XSETREF(made_types[entry], (PyTypeObject *)Py_NewRef(type));
    memcpy(made_offsets[entry], offsets, sizeof offsets);
    made_counts[entry] = count;
    return entry;
}

static PyObject *
made(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || !PyType_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "made(cls, *values)");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)args[0];
    int entry = made_entry(type);
    if (entry < 0)
        return NULL;
    if (nargs - 1 != made_counts[entry]) {
        PyErr_Format(PyExc_TypeError, "made: %s takes %zd values, not %zd", type->tp_name,
                     made_counts[entry], nargs - 1);
        return NULL;
    }
    return filled(type, made_offsets[entry], args + 1, (int)(nargs - 1));
}

/* -- read_only ----------------------------------------------------------------------------
 * read_only(cls, slot, name, doc) -> descriptor: a read-only view, named `name`, of the object
 * slot `slot` of the __slots__ class `cls`: a member descriptor, as a C type's READONLY member
 * is. Reading it is a slot read, which the interpreter specialises (a property's read is a
 * Python call); writing it raises AttributeError. For a property that only returns a slot.
 * Its PyMemberDef, name and doc are kept for the life of the process (READ_ONLY_MAX of them). */
#define READ_ONLY_MAX 8
static PyMemberDef read_only_members[READ_ONLY_MAX];
static PyObject *read_only_texts[2 * READ_ONLY_MAX];
static int read_only_count = 0;

static PyObject *
read_only(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyType_Check(args[0]) || !PyUnicode_Check(args[1]) ||
        !PyUnicode_Check(args[2]) || !PyUnicode_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "read_only(cls, slot, name, doc)");
        return NULL;
    }
    if (read_only_count >= READ_ONLY_MAX) {
        PyErr_SetString(PyExc_RuntimeError, "read_only: no room for another member");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)args[0];
    const char *slot = PyUnicode_AsUTF8(args[1]);
    const char *name = PyUnicode_AsUTF8(args[2]);
    const char *doc = PyUnicode_AsUTF8(args[3]);
    if (slot == NULL || name == NULL || doc == NULL)
        return NULL;
    Py_ssize_t offset = slot_offset(type, slot);
    if (offset < 0)
        return NULL;
    PyMemberDef *member = &read_only_members[read_only_count];
    member->name = name;
    member->type = T_OBJECT_EX;
    member->offset = offset;
    member->flags = READONLY;
    member->doc = doc;
    PyObject *descriptor = PyDescr_NewMember(type, member);
    if (descriptor == NULL)
        return NULL;
    read_only_texts[2 * read_only_count] = Py_NewRef(args[2]); /* (name and doc point into) */
    read_only_texts[2 * read_only_count + 1] = Py_NewRef(args[3]);
    read_only_count++;
    return descriptor;
}

static PyObject *
stream_messages(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* stream_messages(items, start, head, program, seq_field, expected, message_type,
     * event_type, msg_type, tags, key) -> list: from items[start], the frames that are
     * `head` (their bytes up to the body: 8, 9 and 35=MsgType<SOH>, BodyLength aside), whose
     * fields are as `program` says, and whose field number `seq_field` (MsgSeqNum) is
     * expected, expected + 1, ...: an event holding a lazy Message for each. */
    if (nargs != 11 || !PyList_CheckExact(args[0]) || !PyBytes_CheckExact(args[2]) ||
        !PyBytes_CheckExact(args[3]) || !PyType_Check(args[6]) || !PyType_Check(args[7])) {
        PyErr_SetString(PyExc_TypeError,
                        "stream_messages(list, int, bytes, bytes, int, int, type, type, str, "
                        "tuple, str | None)");
        return NULL;
    }
    Py_ssize_t start = PyLong_AsSsize_t(args[1]);
    Py_ssize_t seq_field = PyLong_AsSsize_t(args[4]);
    long long expected = PyLong_AsLongLong(args[5]);
    if (PyErr_Occurred())
        return NULL;
    PyTypeObject *message_type = (PyTypeObject *)args[6];
    PyTypeObject *event_type = (PyTypeObject *)args[7];
    Py_ssize_t message_offsets[MESSAGE_SLOT_COUNT], event_offsets[EVENT_SLOT_COUNT];
    for (int k = 0; k < MESSAGE_SLOT_COUNT; k++)
        if ((message_offsets[k] = slot_offset(message_type, MESSAGE_SLOTS[k])) < 0)
            return NULL;
    for (int k = 0; k < EVENT_SLOT_COUNT; k++)
        if ((event_offsets[k] = slot_offset(event_type, EVENT_SLOTS[k])) < 0)
            return NULL;
    const char *head = PyBytes_AS_STRING(args[2]); /* "35=X<SOH>" */
    Py_ssize_t head_length = PyBytes_GET_SIZE(args[2]);
    const unsigned char *program = (const unsigned char *)PyBytes_AS_STRING(args[3]);
    const unsigned char *program_end = program + PyBytes_GET_SIZE(args[3]);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    uint32_t spans[2 * MAX_LAYOUT_FIELDS];
    Py_ssize_t items = PyList_GET_SIZE(args[0]);
    for (Py_ssize_t k = start < 0 ? items : start; k < items; k++) {
        PyObject *item = PyList_GET_ITEM(args[0], k);
        if (!PyBytes_CheckExact(item))
            break;
        const unsigned char *f = (const unsigned char *)PyBytes_AS_STRING(item);
        Py_ssize_t n = PyBytes_GET_SIZE(item);
        /* 8=FIX.4.4<SOH>9=digits<SOH> then the MsgType field */
        if (n < 12 || memcmp(f, HEAD, 12) != 0)
            break;
        Py_ssize_t p = 12;
        while (p < n && is_digit(f[p]))
            p++;
        if (p >= n || f[p] != SOH || p + 1 + head_length > n ||
            memcmp(f + p + 1, head, head_length) != 0)
            break;
        Py_ssize_t fields = walk_layout(f, n, p + 1 + head_length, program, program_end,
                                        spans, MAX_LAYOUT_FIELDS);
        if (fields <= seq_field || seq_field < 0)
            break;
        long long seq = 0;
        for (uint32_t c = spans[2 * seq_field]; c < spans[2 * seq_field + 1]; c++)
            seq = seq * 10 + (f[c] - '0'); /* at most 9 digits: the program checked them */
        if (seq != expected)
            break;
        expected++;
        PyObject *found = PyBytes_FromStringAndSize((const char *)spans,
                                                    fields * 2 * sizeof(uint32_t));
        if (found == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *message_values[MESSAGE_SLOT_COUNT] = {args[8], args[9], Py_None, Py_None,
                                                        Py_None, args[10], item, found};
        PyObject *message = filled(message_type, message_offsets, message_values,
                                   MESSAGE_SLOT_COUNT);
        Py_DECREF(found);
        if (message == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *event_values[EVENT_SLOT_COUNT] = {message, Py_None, Py_None};
        PyObject *event = filled(event_type, event_offsets, event_values, EVENT_SLOT_COUNT);
        Py_DECREF(message);
        if (event == NULL || PyList_Append(out, event) < 0) {
            Py_XDECREF(event);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(event);
    }
    return out;
}

/* -- parse_known -------------------------------------------------------------------------- */

/* The slot offsets of the last Message class parse_known was given (held: never freed). */
static PyTypeObject *known_type = NULL;
static Py_ssize_t known_offsets[MESSAGE_SLOT_COUNT];

static PyObject *
parse_known(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* parse_known(frame, programs, message_type) -> (plan, Message) | None: a frame of a
     * layout seen before, found by its MsgType (bytes) and number of fields after it in
     * `programs` ({(msg_type, fields): [(program, msg_type text, tags, key, plan, index),
     * ...]})
     * and taken by the first of those programs that finds every field as it says; the
     * Message holds the values. None if none takes it (validation.py then reads it field by
     * field). */
    if (nargs != 3 || !PyBytes_CheckExact(args[0]) || !PyDict_CheckExact(args[1]) ||
        !PyType_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "parse_known(bytes, dict, type)");
        return NULL;
    }
    PyTypeObject *message_type = (PyTypeObject *)args[2];
    if (message_type != known_type) {
        Py_ssize_t offsets[MESSAGE_SLOT_COUNT];
        for (int k = 0; k < MESSAGE_SLOT_COUNT; k++)
            if ((offsets[k] = slot_offset(message_type, MESSAGE_SLOTS[k])) < 0)
                return NULL;
        memcpy(known_offsets, offsets, sizeof offsets);
        Py_INCREF(message_type);
        Py_XSETREF(known_type, message_type);
    }
    const unsigned char *f = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    /* 8=...<SOH>9=...<SOH>35=MsgType<SOH>: the MsgType, and the fields after it */
    const unsigned char *first = memchr(f, SOH, n);
    if (first == NULL || first == f)
        Py_RETURN_NONE;
    const unsigned char *second = memchr(first + 1, SOH, f + n - (first + 1));
    if (second == NULL || f + n - second < 5 || memcmp(second + 1, "35=", 3) != 0)
        Py_RETURN_NONE;
    const unsigned char *msg_type = second + 4;
    const unsigned char *end = memchr(msg_type, SOH, f + n - msg_type);
    if (end == NULL)
        Py_RETURN_NONE;
    Py_ssize_t separators = 0;
    for (const unsigned char *c = end; c < f + n; c++)
        separators += *c == SOH;
    PyObject *key = Py_BuildValue("(y#n)", (const char *)msg_type,
                                  (Py_ssize_t)(end - msg_type), separators - 2);
    if (key == NULL)
        return NULL;
    PyObject *entries = PyDict_GetItemWithError(args[1], key);
    Py_DECREF(key);
    if (entries == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    if (!PyList_CheckExact(entries)) {
        PyErr_SetString(PyExc_TypeError, "parse_known: programs holds lists");
        return NULL;
    }
    uint32_t spans[2 * MAX_LAYOUT_FIELDS];
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(entries); k++) {
        PyObject *entry = PyList_GET_ITEM(entries, k);
        if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 6 ||
            !PyBytes_CheckExact(PyTuple_GET_ITEM(entry, 0)) ||
            !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, 2))) {
            PyErr_SetString(PyExc_TypeError,
                            "parse_known: each entry is (bytes, str, tuple, str, plan, dict)");
            return NULL;
        }
        PyObject *program = PyTuple_GET_ITEM(entry, 0), *tags = PyTuple_GET_ITEM(entry, 2);
        const unsigned char *p = (const unsigned char *)PyBytes_AS_STRING(program);
        Py_ssize_t fields = walk_layout(f, n, end + 1 - f, p, p + PyBytes_GET_SIZE(program),
                                        spans, MAX_LAYOUT_FIELDS);
        if (fields < 0 || fields != PyTuple_GET_SIZE(tags))
            continue;
        Py_INCREF(entry); /* held while objects are made (a collection may run any code) */
        PyObject *values = values_at((const char *)f, spans, fields), *found = NULL;
        if (values != NULL) {
            PyObject *slots[MESSAGE_SLOT_COUNT] = {
                PyTuple_GET_ITEM(entry, 1), tags, values, Py_None, PyTuple_GET_ITEM(entry, 5),
                PyTuple_GET_ITEM(entry, 3), Py_None, Py_None};
            PyObject *message = filled(message_type, known_offsets, slots, MESSAGE_SLOT_COUNT);
            Py_DECREF(values);
            if (message != NULL) {
                found = PyTuple_Pack(2, PyTuple_GET_ITEM(entry, 4), message);
                Py_DECREF(message);
            }
        }
        Py_DECREF(entry);
        return found;
    }
    Py_RETURN_NONE;
}

/* -- sending_time -------------------------------------------------------------------------- */

static PyObject *
sending_time(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* sending_time(epoch, digits) -> str | None: binance.format_sending_time's text for an
     * epoch (float) from 1970 to 9999 with 0 to 6 digits; None for anything else. */
    if (nargs != 2 || !PyFloat_CheckExact(args[0]) || !PyLong_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "sending_time(float, int)");
        return NULL;
    }
    double epoch = PyFloat_AS_DOUBLE(args[0]);
    long digits = PyLong_AsLong(args[1]);
    if (digits == -1 && PyErr_Occurred())
        return NULL;
    double scaled = epoch * 1000000.0;
    if (!(scaled >= 0.0 && scaled < 253402300800.0 * 1000000.0) || digits < 0 || digits > 6)
        Py_RETURN_NONE;
    long long micros = llrint(scaled); /* as round(): to nearest, ties to even */
    time_t seconds = (time_t)(micros / 1000000);
    long micro = (long)(micros % 1000000);
    struct tm at;
    if (gmtime_r(&seconds, &at) == NULL)
        Py_RETURN_NONE;
    int year = at.tm_year + 1900;
    if (year < 1970 || year > 9999)
        Py_RETURN_NONE;
    Py_ssize_t size = digits ? 18 + digits : 17;
    PyObject *text = PyUnicode_New(size, 127);
    if (text == NULL)
        return NULL;
    /* YYYYMMDD-HH:MM:SS.ffffff, cut to size: digits written by hand (snprintf cost more than
     * everything else here) */
    char full[24];
    put_digits(full, year, 4);
    put_digits(full + 4, at.tm_mon + 1, 2);
    put_digits(full + 6, at.tm_mday, 2);
    full[8] = '-';
    put_digits(full + 9, at.tm_hour, 2);
    full[11] = ':';
    put_digits(full + 12, at.tm_min, 2);
    full[14] = ':';
    put_digits(full + 15, at.tm_sec, 2);
    full[17] = '.';
    put_digits(full + 18, micro, 6);
    memcpy(PyUnicode_1BYTE_DATA(text), full, (size_t)size);
    return text;
}

/* -- sbe_frames --------------------------------------------------------------------------- */

enum { P_CHAR, P_INT8, P_UINT8, P_INT16, P_UINT16, P_INT32, P_UINT32, P_INT64, P_UINT64, P_COUNT };
static const int P_SIZE[P_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8};
enum { K_PLAIN, K_CHAR, K_ENUM, K_DECIMAL }; /* as sbe.py numbers them */
#define SBE_FALLBACK 1 /* a block_ / groups_ / data_ answer: not the common case, let sbe.py read it */
#define SBE_PREFIX 26  /* SOFH (6 bytes) and message header (20) */
#define SBE_ENCODING_TYPE 0xEB50

typedef struct {
    const unsigned char *d;
    Py_ssize_t n;
    long version;
    PyObject *decimal_type;
} SbeBuf;

/* The little-endian value of a primitive at p: its bits in *u, and whether it is its null. */
static int
sbe_read(const unsigned char *p, int ptype, unsigned long long *u)
{
    unsigned long long v = 0;
    for (int i = P_SIZE[ptype] - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    *u = v;
    switch (ptype) {
    case P_CHAR: return v == 0;
    case P_INT8: return v == 0x80ULL;
    case P_UINT8: return v == 0xFFULL;
    case P_INT16: return v == 0x8000ULL;
    case P_UINT16: return v == 0xFFFFULL;
    case P_INT32: return v == 0x80000000ULL;
    case P_UINT32: return v == 0xFFFFFFFFULL;
    case P_INT64: return v == 0x8000000000000000ULL;
    default: return v == 0xFFFFFFFFFFFFFFFFULL;
    }
}

static int
sbe_signed(int ptype)
{
    return ptype == P_INT8 || ptype == P_INT16 || ptype == P_INT32 || ptype == P_INT64;
}

static long long
sbe_as_signed(int ptype, unsigned long long u)
{
    switch (ptype) {
    case P_INT8: return (int8_t)u;
    case P_INT16: return (int16_t)u;
    case P_INT32: return (int32_t)u;
    default: return (long long)u;
    }
}

static PyObject *
sbe_int(int ptype, unsigned long long u)
{
    return sbe_signed(ptype) ? PyLong_FromLongLong(sbe_as_signed(ptype, u))
                             : PyLong_FromUnsignedLongLong(u);
}

#define SBE_BLOCK_SIZE 8   /* a block program's items (see sbe_plan) */
#define SBE_GROUP_SIZE 10  /* a group program's (see sbe_groups) */
#define SBE_DATA_SIZE 3    /* a var data program's (see sbe_data) */
#define SBE_MESSAGE_SIZE 5 /* a message program's (see sbe.py's _programs) */

/* Whether o is a tuple of n items (a program's shape). */
static int
sbe_tuple(PyObject *o, Py_ssize_t n)
{
    return PyTuple_CheckExact(o) && PyTuple_GET_SIZE(o) == n;
}

/* A small int field of a tuple (the program's), or -1 (with no error set) if it is not one. */
static long
sbe_small(PyObject *tuple, Py_ssize_t k)
{
    PyObject *item = PyTuple_GET_ITEM(tuple, k);
    if (!PyLong_CheckExact(item))
        return -1;
    long v = PyLong_AsLong(item);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    return v;
}

/* A block's program: (size, since_version, steps, names, readers, writers, nulls, index),
 * steps a bytes of 8 per field in offset order (offset uint16, primitive, optional, kind,
 * whether it is an exponent; little-endian, 2 bytes unused), readers each enum's table by
 * wire value or the exponent's name (or None), writers the same by name, nulls the block
 * with every optional field null, index each field's place by name. */
#define SBE_MAX_STEPS 512
typedef struct {
    long size, since;
    Py_ssize_t count;
    const unsigned char *steps;
    PyObject *names, *readers, *writers, *nulls, *index;
} SbePlan;

typedef struct {
    long offset;
    int ptype, optional, kind, flag;
} SbeStep;

/* prog as a plan: 0, or FALLBACK when it is not one (or a field lies outside its block). */
static int
sbe_plan(PyObject *prog, SbePlan *plan)
{
    if (!sbe_tuple(prog, SBE_BLOCK_SIZE))
        return SBE_FALLBACK;
    PyObject *steps = PyTuple_GET_ITEM(prog, 2);
    plan->nulls = PyTuple_GET_ITEM(prog, 6);
    plan->index = PyTuple_GET_ITEM(prog, 7);
    plan->size = sbe_small(prog, 0);
    plan->since = sbe_small(prog, 1);
    plan->names = PyTuple_GET_ITEM(prog, 3);
    plan->readers = PyTuple_GET_ITEM(prog, 4);
    plan->writers = PyTuple_GET_ITEM(prog, 5);
    if (plan->size < 0 || plan->since < 0 || !PyBytes_CheckExact(steps) ||
        !PyTuple_CheckExact(plan->names) || !PyTuple_CheckExact(plan->readers) ||
        !PyTuple_CheckExact(plan->writers))
        return SBE_FALLBACK;
    plan->count = PyTuple_GET_SIZE(plan->names);
    plan->steps = (const unsigned char *)PyBytes_AS_STRING(steps);
    if (PyBytes_GET_SIZE(steps) != 8 * plan->count || plan->count > SBE_MAX_STEPS ||
        !PyBytes_CheckExact(plan->nulls) || PyBytes_GET_SIZE(plan->nulls) != plan->size ||
        !PyDict_CheckExact(plan->index) ||
        PyTuple_GET_SIZE(plan->readers) != plan->count ||
        PyTuple_GET_SIZE(plan->writers) != plan->count)
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < plan->count; k++) {
        const unsigned char *p = plan->steps + 8 * k;
        if (p[2] >= P_COUNT || p[4] > K_DECIMAL || (p[0] | p[1] << 8) + P_SIZE[p[2]] > plan->size)
            return SBE_FALLBACK;
    }
    return 0;
}

static void
sbe_step(const SbePlan *plan, Py_ssize_t k, SbeStep *step)
{
    const unsigned char *p = plan->steps + 8 * k;
    step->offset = p[0] | p[1] << 8;
    step->ptype = p[2];
    step->optional = p[3];
    step->kind = p[4];
    step->flag = p[5];
}

/* One block, as its program says. Values into `values`; the exponents into `scope`. */
static int
sbe_block(const SbeBuf *b, Py_ssize_t at, Py_ssize_t length, PyObject *prog, PyObject *values,
          PyObject *scope)
{
    SbePlan plan;
    if (sbe_plan(prog, &plan) != 0 || at + length > b->n || plan.size > length ||
        plan.since > b->version)
        return SBE_FALLBACK;
    const unsigned char *base = b->d + at;
    for (int pass = 0; pass < 2; pass++) { /* the exponents first: any field may use them */
        for (Py_ssize_t k = 0; k < plan.count; k++) {
            SbeStep step;
            sbe_step(&plan, k, &step);
            if (pass == 0 && !step.flag)
                continue;
            PyObject *name = PyTuple_GET_ITEM(plan.names, k);
            unsigned long long u;
            int null = sbe_read(base + step.offset, step.ptype, &u);
            if (pass == 0) {
                if (step.ptype != P_CHAR) {
                    PyObject *raw = sbe_int(step.ptype, u);
                    if (raw == NULL || PyDict_SetItem(scope, name, raw) < 0) {
                        Py_XDECREF(raw);
                        return -1;
                    }
                    Py_DECREF(raw);
                }
                continue;
            }
            if (step.optional && null)
                continue;
            PyObject *value = NULL, *detail = PyTuple_GET_ITEM(plan.readers, k);
            if (step.kind == K_DECIMAL) {
                if (step.ptype == P_CHAR)
                    return SBE_FALLBACK;
                PyObject *exponent = PyDict_GetItemWithError(scope, detail);
                if (exponent == NULL) {
                    if (PyErr_Occurred())
                        return -1;
                    return SBE_FALLBACK;
                }
                long e = PyLong_AsLong(exponent);
                if ((e == -1 && PyErr_Occurred()) || e == -128 || e < -1000 || e > 1000) {
                    PyErr_Clear();
                    return SBE_FALLBACK;
                }
                char text[48];
                if (sbe_signed(step.ptype))
                    snprintf(text, sizeof text, "%lldE%ld", sbe_as_signed(step.ptype, u), e);
                else
                    snprintf(text, sizeof text, "%lluE%ld", u, e);
                PyObject *str = PyUnicode_FromString(text);
                if (str == NULL)
                    return -1;
                value = PyObject_CallOneArg(b->decimal_type, str);
                Py_DECREF(str);
            } else if (step.kind == K_ENUM) {
                if (!PyDict_Check(detail))
                    return SBE_FALLBACK;
                PyObject *key = step.ptype == P_CHAR ? PyUnicode_FromOrdinal((int)u)
                                                     : sbe_int(step.ptype, u);
                if (key == NULL)
                    return -1;
                PyObject *named = PyDict_GetItemWithError(detail, key);
                if (named == NULL && PyErr_Occurred()) {
                    Py_DECREF(key);
                    return -1;
                }
                if (named != NULL) {
                    Py_INCREF(named);
                    Py_DECREF(key);
                    value = named;
                } else {
                    value = key;
                }
            } else if (step.ptype == P_CHAR) {
                value = PyUnicode_FromOrdinal((int)u);
            } else {
                value = sbe_int(step.ptype, u);
            }
            if (value == NULL || PyDict_SetItem(values, name, value) < 0) {
                Py_XDECREF(value);
                return -1;
            }
            Py_DECREF(value);
        }
    }
    return 0;
}

/* A length or count of a group's dimensions or a var data: 0 with *out set, or FALLBACK. */
static int
sbe_number(const SbeBuf *b, Py_ssize_t *at, long ptype, long long *out)
{
    if (ptype < 0 || ptype >= P_COUNT || ptype == P_CHAR || *at + P_SIZE[ptype] > b->n)
        return SBE_FALLBACK;
    unsigned long long u;
    sbe_read(b->d + *at, (int)ptype, &u);
    long long v = sbe_signed((int)ptype) ? sbe_as_signed((int)ptype, u) : (long long)u;
    if (v < 0 || u > (unsigned long long)PY_SSIZE_T_MAX)
        return SBE_FALLBACK;
    *at += P_SIZE[ptype];
    *out = v;
    return 0;
}

/* Var data: each (name, length primitive, optional). */
static int
sbe_data(const SbeBuf *b, Py_ssize_t *at, PyObject *progs, PyObject *values)
{
    if (!PyTuple_CheckExact(progs))
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(progs); k++) {
        PyObject *prog = PyTuple_GET_ITEM(progs, k);
        if (!sbe_tuple(prog, SBE_DATA_SIZE))
            return SBE_FALLBACK;
        long long length;
        long optional = sbe_small(prog, 2);
        if (optional < 0 || sbe_number(b, at, sbe_small(prog, 1), &length) != 0 ||
            length > b->n - *at)
            return SBE_FALLBACK;
        if (length == 0) {
            if (!optional)
                return SBE_FALLBACK;
            continue;
        }
        PyObject *text = PyUnicode_DecodeUTF8((const char *)b->d + *at, (Py_ssize_t)length, NULL);
        if (text == NULL) {
            PyErr_Clear();
            return SBE_FALLBACK;
        }
        *at += (Py_ssize_t)length;
        int failed = PyDict_SetItem(values, PyTuple_GET_ITEM(prog, 0), text) < 0;
        Py_DECREF(text);
        if (failed)
            return -1;
    }
    return 0;
}

/* Groups: each (name, block length primitive, count primitive, block, groups, data). */
static int
sbe_groups(const SbeBuf *b, Py_ssize_t *at, PyObject *progs, PyObject *values, PyObject *scope,
           int depth)
{
    if (!PyTuple_CheckExact(progs) || depth > 8)
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(progs); k++) {
        PyObject *prog = PyTuple_GET_ITEM(progs, k);
        if (!sbe_tuple(prog, SBE_GROUP_SIZE))
            return SBE_FALLBACK;
        long long block_length, count;
        if (sbe_number(b, at, sbe_small(prog, 1), &block_length) != 0 ||
            sbe_number(b, at, sbe_small(prog, 2), &count) != 0)
            return SBE_FALLBACK;
        if (block_length > 0 && count > (b->n - *at) / block_length)
            return SBE_FALLBACK; /* (sbe.py: the entries do not fit) */
        PyObject *entries = PyList_New(0);
        if (entries == NULL)
            return -1;
        int result = 0;
        for (long long i = 0; i < count && result == 0; i++) {
            PyObject *inner = PyDict_Copy(scope);
            PyObject *entry = PyDict_New();
            if (inner == NULL || entry == NULL) {
                result = -1;
            } else {
                result = sbe_block(b, *at, (Py_ssize_t)block_length, PyTuple_GET_ITEM(prog, 3),
                                   entry, inner);
                if (result == 0) {
                    *at += (Py_ssize_t)block_length;
                    result = sbe_groups(b, at, PyTuple_GET_ITEM(prog, 4), entry, inner, depth + 1);
                }
                if (result == 0)
                    result = sbe_data(b, at, PyTuple_GET_ITEM(prog, 5), entry);
                if (result == 0 && PyList_Append(entries, entry) < 0)
                    result = -1;
            }
            Py_XDECREF(inner);
            Py_XDECREF(entry);
        }
        if (result == 0 && PyDict_SetItem(values, PyTuple_GET_ITEM(prog, 0), entries) < 0)
            result = -1;
        Py_DECREF(entries);
        if (result != 0)
            return result;
    }
    return 0;
}

/* The message header after the SOFH: blockLength, templateId, schemaId, version, seqNum,
 * sendingTime, each's primitive and offset in the frame (the reader's and the writer's). */
static const int SBE_HEAD_TYPES[6] = {P_UINT16, P_UINT16, P_UINT16, P_UINT16, P_UINT32, P_INT64};
static const int SBE_HEAD_OFFSETS[6] = {6, 8, 10, 12, 14, 18};

/* The SOFH and message header of the frame at b (n bytes buffered from it): the frame's
 * length and its header's fields, or 0 when it is not whole or not the common case. */
static Py_ssize_t
sbe_head(const unsigned char *f, Py_ssize_t n, Py_ssize_t max_size, long schema_id,
         unsigned long long head[6])
{
    if (n < SBE_PREFIX)
        return 0;
    unsigned long long length, encoding;
    sbe_read(f, P_UINT32, &length);
    sbe_read(f + 4, P_UINT16, &encoding);
    if (encoding != SBE_ENCODING_TYPE || length < SBE_PREFIX || (long long)length > max_size ||
        (Py_ssize_t)length > n)
        return 0;
    for (int k = 0; k < 6; k++)
        sbe_read(f + SBE_HEAD_OFFSETS[k], SBE_HEAD_TYPES[k], &head[k]);
    if ((long)head[2] != schema_id)
        return 0;
    return (Py_ssize_t)length;
}

static const char *SBE_MESSAGE_SLOTS[] = {"name", "template_id", "seq_num", "sending_time_us",
                                          "values", "version", "length"};
#define SBE_MESSAGE_SLOT_COUNT 7

static PyObject *
sbe_frames(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* sbe_frames(buffer, at, max_size, schema_id, table, decimal_type, message_type, out)
     * -> int: see the top of this file. */
    if (nargs != 8 || !PyDict_CheckExact(args[4]) || !PyType_Check(args[6]) ||
        !PyList_CheckExact(args[7])) {
        PyErr_SetString(PyExc_TypeError, "sbe_frames(buffer, int, int, int, dict, type, type, "
                                         "list)");
        return NULL;
    }
    Py_ssize_t at = PyLong_AsSsize_t(args[1]), max_size = PyLong_AsSsize_t(args[2]);
    long schema_id = PyLong_AsLong(args[3]);
    if (PyErr_Occurred())
        return NULL;
    PyTypeObject *message_type = (PyTypeObject *)args[6];
    Py_ssize_t offsets[SBE_MESSAGE_SLOT_COUNT];
    for (int k = 0; k < SBE_MESSAGE_SLOT_COUNT; k++)
        if ((offsets[k] = slot_offset(message_type, SBE_MESSAGE_SLOTS[k])) < 0)
            return NULL;
    Py_buffer view; /* (a bytearray cannot be resized while it is held) */
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *d = view.buf;
    int failed = 0;
    while (at >= 0 && at < view.len && !failed) {
        unsigned long long head[6]; /* blockLength, templateId, schemaId, version, seq, time */
        Py_ssize_t length = sbe_head(d + at, view.len - at, max_size, schema_id, head);
        if (length == 0)
            break;
        PyObject *key = PyLong_FromUnsignedLongLong(head[1]);
        if (key == NULL) {
            failed = 1;
            break;
        }
        PyObject *entry = PyDict_GetItemWithError(args[4], key); /* (name, program) */
        if (entry == NULL || !sbe_tuple(entry, 2) || !sbe_tuple(PyTuple_GET_ITEM(entry, 1), SBE_MESSAGE_SIZE)) {
            failed = PyErr_Occurred() != NULL;
            Py_DECREF(key);
            break;
        }
        Py_INCREF(entry); /* (held while this frame is read) */
        PyObject *program = PyTuple_GET_ITEM(entry, 1);
        SbeBuf b = {d + at, length, (long)head[3], args[5]};
        Py_ssize_t p = SBE_PREFIX, block_length = (Py_ssize_t)head[0];
        PyObject *values = PyDict_New(), *scope = PyDict_New();
        int result = values == NULL || scope == NULL ? -1 : 0;
        if (result == 0)
            result = sbe_block(&b, p, block_length, PyTuple_GET_ITEM(program, 0), values, scope);
        if (result == 0) {
            p += block_length;
            result = sbe_groups(&b, &p, PyTuple_GET_ITEM(program, 1), values, scope, 0);
        }
        if (result == 0)
            result = sbe_data(&b, &p, PyTuple_GET_ITEM(program, 2), values);
        if (result == 0 && p != length)
            result = SBE_FALLBACK; /* bytes after the last field */
        Py_XDECREF(scope);
        PyObject *message = NULL;
        if (result == 0) {
            PyObject *seq = PyLong_FromUnsignedLongLong(head[4]);
            PyObject *time = PyLong_FromLongLong(sbe_as_signed(P_INT64, head[5]));
            PyObject *version = PyLong_FromUnsignedLongLong(head[3]);
            PyObject *size = PyLong_FromSsize_t(length);
            if (seq != NULL && time != NULL && version != NULL && size != NULL) {
                PyObject *slots[SBE_MESSAGE_SLOT_COUNT] = {
                    PyTuple_GET_ITEM(entry, 0), key, seq, time, values, version, size};
                message = filled(message_type, offsets, slots, SBE_MESSAGE_SLOT_COUNT);
            }
            Py_XDECREF(seq);
            Py_XDECREF(time);
            Py_XDECREF(version);
            Py_XDECREF(size);
            if (message == NULL || PyList_Append(args[7], message) < 0)
                result = -1;
            Py_XDECREF(message);
        }
        Py_XDECREF(values);
        Py_DECREF(entry);
        Py_DECREF(key);
        if (result != 0) {
            failed = result < 0;
            break;
        }
        at += length;
    }
    PyBuffer_Release(&view);
    return failed ? NULL : PyLong_FromSsize_t(at);
}

/* -- sbe_encode ---------------------------------------------------------------------------- */

typedef struct {
    unsigned char *d; /* local, until a frame outgrows it */
    Py_ssize_t n, cap;
    PyObject *decimal_type;
    unsigned char local[1024];
} SbeOut;

/* Room for `more` bytes at o->d + o->n (zeroed), or -1 with MemoryError. */
static int
sbe_room(SbeOut *o, Py_ssize_t more)
{
    if (o->n + more > o->cap) {
        Py_ssize_t cap = (o->n + more) * 2;
        unsigned char *d = PyMem_Realloc(o->d == o->local ? NULL : o->d, cap);
        if (d == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (o->d == o->local)
            memcpy(d, o->local, o->n);
        o->d = d;
        o->cap = cap;
    }
    memset(o->d + o->n, 0, more);
    return 0;
}

static void
sbe_put(unsigned char *p, int ptype, unsigned long long u)
{
    for (int i = 0; i < P_SIZE[ptype]; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

/* Whether the integer -mag (neg) or mag fits primitive ptype: 0 with its bits in *u, or
 * FALLBACK. */
static int
sbe_fit(int neg, unsigned long long mag, int ptype, unsigned long long *u)
{
    if (ptype == P_CHAR)
        return SBE_FALLBACK;
    int bits = 8 * P_SIZE[ptype];
    if (neg && mag != 0) {
        if (!sbe_signed(ptype) || mag > (1ULL << (bits - 1)))
            return SBE_FALLBACK;
        *u = (unsigned long long)(-(long long)(mag - 1) - 1);
        return 0;
    }
    unsigned long long top = sbe_signed(ptype) ? (1ULL << (bits - 1)) - 1
                             : bits == 64    ? ULLONG_MAX
                                             : (1ULL << bits) - 1;
    if (mag > top)
        return SBE_FALLBACK;
    *u = mag;
    return 0;
}

/* An exact int as sign and magnitude: 0, or FALLBACK (too big, or not an exact int). */
static int
sbe_int_parts(PyObject *v, int exact, int *neg, unsigned long long *mag)
{
    if (exact ? !PyLong_CheckExact(v) : !PyLong_Check(v))
        return SBE_FALLBACK;
    int overflow;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return SBE_FALLBACK;
    }
    if (overflow < 0)
        return SBE_FALLBACK;
    if (overflow > 0) {
        unsigned long long big = PyLong_AsUnsignedLongLong(v);
        if (big == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return SBE_FALLBACK;
        }
        *neg = 0;
        *mag = big;
        return 0;
    }
    *neg = x < 0;
    *mag = x < 0 ? (unsigned long long)(-(x + 1)) + 1 : (unsigned long long)x;
    return 0;
}

typedef struct {
    int neg;
    unsigned long long coefficient; /* without trailing zeros: value = coefficient * 10**exp */
    long exp;                       /* (for 0: 0, as Decimal.normalize() says) */
} SbeNumber;

/* An exact int or exact Decimal of at most 19 significant digits (after its trailing zeros):
 * 0, or FALLBACK (anything else: NaN, Infinity, more digits, a huge exponent). */
static int
sbe_number_of(PyObject *v, PyObject *decimal_type, SbeNumber *out)
{
    out->exp = 0;
    if (PyLong_CheckExact(v)) {
        if (sbe_int_parts(v, 1, &out->neg, &out->coefficient) != 0)
            return SBE_FALLBACK;
        while (out->coefficient != 0 && out->coefficient % 10 == 0) {
            out->coefficient /= 10;
            out->exp++;
        }
        return 0;
    }
    if ((PyObject *)Py_TYPE(v) != decimal_type)
        return SBE_FALLBACK;
    PyObject *text = PyObject_Str(v);
    if (text == NULL) {
        PyErr_Clear();
        return SBE_FALLBACK;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    int result = SBE_FALLBACK;
    if (s != NULL) {
        Py_ssize_t i = 0;
        int neg = 0, digits = 0, point = 0;
        long zeros = 0, fraction = 0;
        unsigned long long c = 0;
        if (i < n && s[i] == '-') {
            neg = 1;
            i++;
        }
        for (; i < n && (is_digit((unsigned char)s[i]) || (s[i] == '.' && !point)); i++) {
            if (s[i] == '.') {
                point = 1;
                continue;
            }
            digits++;
            fraction += point;
            if (s[i] == '0') {
                zeros++; /* (held back: trailing ones are not the coefficient's) */
                continue;
            }
            for (long z = 0; z <= zeros; z++) { /* c = c * 10**(zeros + 1) + digit */
                if (c > (ULLONG_MAX - 9) / 10)
                    goto done;
                c *= 10;
            }
            c += (unsigned long long)(s[i] - '0');
            zeros = 0;
            if (c > 9999999999999999999ULL)
                goto done;
        }
        long exponent = 0;
        if (i < n && (s[i] == 'E' || s[i] == 'e')) {
            int eneg = 0, edigits = 0;
            i++;
            if (i < n && (s[i] == '+' || s[i] == '-'))
                eneg = s[i++] == '-';
            for (; i < n && is_digit((unsigned char)s[i]) && edigits < 6; i++, edigits++)
                exponent = exponent * 10 + (s[i] - '0');
            if (edigits == 0)
                goto done;
            exponent = eneg ? -exponent : exponent;
        }
        if (i != n || digits == 0)
            goto done;
        out->neg = neg;
        out->coefficient = c;
        out->exp = c == 0 ? 0 : exponent - fraction + zeros;
        result = 0;
    }
done:
    PyErr_Clear();
    Py_DECREF(text);
    return result;
}

/* number's mantissa with exponent e, in ptype's bits: 0, or FALLBACK (more decimals than e
 * allows, or too big). */
static int
sbe_mantissa(const SbeNumber *number, long e, int ptype, unsigned long long *u)
{
    unsigned long long m = number->coefficient;
    if (m != 0) {
        if (number->exp < e || number->exp - e > 19)
            return SBE_FALLBACK;
        for (long k = 0; k < number->exp - e; k++) {
            if (m > ULLONG_MAX / 10)
                return SBE_FALLBACK;
            m *= 10;
        }
    }
    return sbe_fit(number->neg, m, ptype, u);
}

/* Whether d is a dict whose keys are all exact str: looking names up in it runs no Python
 * code (no __hash__ or __eq__ of the caller's), so nothing can change what is being read. */
static int
sbe_plain(PyObject *d)
{
    if (!PyDict_CheckExact(d))
        return 0;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(d, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key))
            return 0;
    return 1;
}

/* values[name] if values has it and it is not None (borrowed), else NULL; *bad on an error. */
static PyObject *
sbe_given(PyObject *values, PyObject *name, int *bad)
{
    PyObject *v = PyDict_GetItemWithError(values, name);
    if (v == NULL && PyErr_Occurred()) {
        PyErr_Clear();
        *bad = 1;
    }
    return v == Py_None ? NULL : v;
}

/* The least normalized exponent (starting from *least) of the decimals `name` scales in
 * this block and in the entries of its groups that have no field `name`. */
static int
sbe_scan(PyObject *name, PyObject *block, PyObject *groups, PyObject *values, PyObject *decimals,
         long *least, int depth)
{
    if (depth > 8)
        return SBE_FALLBACK;
    SbePlan plan;
    if (sbe_plan(block, &plan) != 0)
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < plan.count; k++) {
        SbeStep step;
        sbe_step(&plan, k, &step);
        if (step.kind != K_DECIMAL)
            continue;
        int same = PyUnicode_Compare(PyTuple_GET_ITEM(plan.writers, k), name);
        if (same == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return SBE_FALLBACK;
        }
        if (same != 0)
            continue;
        int bad = 0;
        PyObject *v = sbe_given(values, PyTuple_GET_ITEM(plan.names, k), &bad);
        if (bad)
            return SBE_FALLBACK;
        if (v == NULL)
            continue;
        SbeNumber number;
        if (sbe_number_of(v, decimals, &number) != 0)
            return SBE_FALLBACK;
        if (number.exp < *least)
            *least = number.exp;
    }
    if (!PyTuple_CheckExact(groups))
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(groups); k++) {
        PyObject *group = PyTuple_GET_ITEM(groups, k);
        if (!sbe_tuple(group, SBE_GROUP_SIZE))
            return SBE_FALLBACK;
        int own = PySet_Contains(PyTuple_GET_ITEM(group, 7), name);
        if (own != 0) {
            PyErr_Clear();
            if (own < 0)
                return SBE_FALLBACK;
            continue; /* the entries have their own */
        }
        int bad = 0;
        PyObject *entries = sbe_given(values, PyTuple_GET_ITEM(group, 0), &bad);
        if (bad || (entries != NULL && !PyList_CheckExact(entries)))
            return SBE_FALLBACK;
        Py_XINCREF(entries); /* (held while read, as each entry is) */
        int result = 0;
        for (Py_ssize_t i = 0; entries != NULL && i < PyList_GET_SIZE(entries) && !result; i++) {
            PyObject *entry = Py_NewRef(PyList_GET_ITEM(entries, i));
            if (!sbe_plain(entry) ||
                sbe_scan(name, PyTuple_GET_ITEM(group, 3), PyTuple_GET_ITEM(group, 4), entry,
                         decimals, least, depth + 1) != 0)
                result = SBE_FALLBACK;
            Py_DECREF(entry);
        }
        Py_XDECREF(entries);
        if (result)
            return result;
    }
    return 0;
}

/* `outer` and this block's exponent fields (own): as given, or the least exponent that
 * writes every decimal they scale exactly, at most 0. A new dict in *scope. */
static int
sbe_scope(PyObject *own, PyObject *block, PyObject *groups, PyObject *values, PyObject *outer,
          PyObject *decimals, PyObject **scope, int depth)
{
    *scope = PyDict_Copy(outer);
    if (*scope == NULL)
        return -1;
    if (!PyTuple_CheckExact(own))
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(own); k++) {
        PyObject *name = PyTuple_GET_ITEM(own, k);
        int bad = 0;
        PyObject *given = sbe_given(values, name, &bad);
        PyObject *exponent;
        if (bad || (given != NULL && !PyLong_CheckExact(given)))
            return SBE_FALLBACK;
        if (given != NULL) {
            exponent = Py_NewRef(given);
        } else {
            long least = 0;
            if (sbe_scan(name, block, groups, values, decimals, &least, depth) != 0)
                return SBE_FALLBACK;
            exponent = PyLong_FromLong(least);
            if (exponent == NULL)
                return -1;
        }
        int failed = PyDict_SetItem(*scope, name, exponent);
        Py_DECREF(exponent);
        if (failed)
            return -1;
    }
    return 0;
}

/* One field's value `v` into the block at base, as step k says: 0, or FALLBACK. */
static int
sbe_write_field(const SbePlan *plan, Py_ssize_t k, unsigned char *base, PyObject *v,
                PyObject *scope, PyObject *decimals)
{
    SbeStep step;
    sbe_step(plan, k, &step);
    PyObject *detail = PyTuple_GET_ITEM(plan->writers, k);
    unsigned long long u;
    int neg;
    if (step.kind == K_DECIMAL) {
        PyObject *exponent = PyDict_GetItemWithError(scope, detail);
        long e;
        SbeNumber number;
        if (exponent == NULL || !PyLong_CheckExact(exponent) ||
            ((e = PyLong_AsLong(exponent)) == -1 && PyErr_Occurred()) || e < -1000 || e > 1000 ||
            sbe_number_of(v, decimals, &number) != 0 ||
            sbe_mantissa(&number, e, step.ptype, &u) != 0) {
            PyErr_Clear();
            return SBE_FALLBACK;
        }
    } else {
        PyObject *raw = v;
        if (step.kind == K_ENUM) {
            if (!PyDict_CheckExact(detail) ||
                !(PyUnicode_CheckExact(v) || PyLong_CheckExact(v) || PyBool_Check(v)))
                return SBE_FALLBACK; /* (only these hash without running Python code) */
            raw = PyDict_GetItemWithError(detail, v);
            if (raw == NULL) {
                if (PyErr_Occurred()) { /* (unhashable) */
                    PyErr_Clear();
                    return SBE_FALLBACK;
                }
                raw = v;
            }
        }
        if (step.ptype == P_CHAR) {
            if (!PyUnicode_CheckExact(raw) || PyUnicode_GET_LENGTH(raw) != 1 ||
                (u = PyUnicode_READ_CHAR(raw, 0)) > 0xFF)
                return SBE_FALLBACK;
        } else if (sbe_int_parts(raw, step.kind != K_ENUM, &neg, &u) != 0 ||
                   sbe_fit(neg, u, step.ptype, &u) != 0) {
            return SBE_FALLBACK;
        }
    }
    sbe_put(base + step.offset, step.ptype, u);
    return 0;
}

/* A block, as its program says: its nulls, then each value given (an exponent field's from
 * the scope), then whether every required field had one; FALLBACK for a name in values that
 * is not one of `names` (the block's fields, groups and var data). */
static int
sbe_write_block(SbeOut *o, PyObject *block, PyObject *values, PyObject *scope, PyObject *names)
{
    SbePlan plan;
    if (sbe_plan(block, &plan) != 0)
        return SBE_FALLBACK;
    if (sbe_room(o, plan.size) < 0)
        return -1;
    unsigned char *base = o->d + o->n;
    memcpy(base, PyBytes_AS_STRING(plan.nulls), plan.size);
    char given[SBE_MAX_STEPS];
    memset(given, 0, plan.count);
    Py_ssize_t pos = 0;
    PyObject *key, *v;
    while (PyDict_Next(values, &pos, &key, &v)) { /* (exact str keys: sbe_plain said so) */
        PyObject *place = PyDict_GetItemWithError(plan.index, key);
        if (place == NULL) {
            if (PyErr_Occurred())
                return -1;
            int known = PyAnySet_CheckExact(names) ? PySet_Contains(names, key) : 0;
            if (known != 1) {
                PyErr_Clear();
                return SBE_FALLBACK; /* (sbe.py: no such field) */
            }
            continue; /* a group's or var data's */
        }
        Py_ssize_t k = PyLong_AsSsize_t(place);
        if (k < 0 || k >= plan.count) {
            PyErr_Clear();
            return SBE_FALLBACK;
        }
        if (v == Py_None || (plan.steps[8 * k + 5] && plan.steps[8 * k + 4] != K_DECIMAL))
            continue; /* null; or an exponent: below */
        Py_INCREF(v);
        int result = sbe_write_field(&plan, k, base, v, scope, o->decimal_type);
        Py_DECREF(v);
        if (result != 0)
            return SBE_FALLBACK;
        given[k] = 1;
    }
    for (Py_ssize_t k = 0; k < plan.count; k++) {
        SbeStep step;
        sbe_step(&plan, k, &step);
        if (step.flag && step.kind != K_DECIMAL) { /* an exponent: the scope's, else as given */
            int bad = 0;
            PyObject *name = PyTuple_GET_ITEM(plan.names, k);
            PyObject *value = sbe_given(scope, name, &bad);
            if (value == NULL && !bad)
                value = sbe_given(values, name, &bad);
            if (bad)
                return SBE_FALLBACK;
            if (value != NULL) {
                if (sbe_write_field(&plan, k, base, value, scope, o->decimal_type) != 0)
                    return SBE_FALLBACK;
                given[k] = 1;
            }
        }
        if (!given[k] && !step.optional)
            return SBE_FALLBACK; /* (sbe.py: it is required) */
    }
    o->n += plan.size;
    return 0;
}

static int
sbe_write_number(SbeOut *o, long ptype, unsigned long long value)
{
    unsigned long long u;
    if (ptype < 0 || ptype >= P_COUNT || sbe_fit(0, value, (int)ptype, &u) != 0)
        return SBE_FALLBACK;
    if (sbe_room(o, P_SIZE[ptype]) < 0)
        return -1;
    sbe_put(o->d + o->n, (int)ptype, u);
    o->n += P_SIZE[ptype];
    return 0;
}

/* Var data: each (name, length primitive, optional); a value must be a str. */
static int
sbe_write_data(SbeOut *o, PyObject *progs, PyObject *values)
{
    if (!PyTuple_CheckExact(progs))
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(progs); k++) {
        PyObject *prog = PyTuple_GET_ITEM(progs, k);
        if (!sbe_tuple(prog, SBE_DATA_SIZE))
            return SBE_FALLBACK;
        int bad = 0;
        PyObject *v = sbe_given(values, PyTuple_GET_ITEM(prog, 0), &bad);
        if (bad || (v == NULL && sbe_small(prog, 2) != 1) || (v != NULL && !PyUnicode_CheckExact(v)))
            return SBE_FALLBACK;
        Py_ssize_t n = 0;
        const char *text = "";
        if (v != NULL && (text = PyUnicode_AsUTF8AndSize(v, &n)) == NULL) {
            PyErr_Clear(); /* (surrogates) */
            return SBE_FALLBACK;
        }
        int result = sbe_write_number(o, sbe_small(prog, 1), (unsigned long long)n);
        if (result != 0)
            return result;
        if (sbe_room(o, n) < 0)
            return -1;
        memcpy(o->d + o->n, text, n);
        o->n += n;
    }
    return 0;
}

/* Groups: each (name, block length primitive, count primitive, block, groups, data, names,
 * field names, own exponents, block length when empty). */
static int
sbe_write_groups(SbeOut *o, PyObject *progs, PyObject *values, PyObject *scope, int depth)
{
    if (depth > 8 || !PyTuple_CheckExact(progs))
        return SBE_FALLBACK;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(progs); k++) {
        PyObject *prog = PyTuple_GET_ITEM(progs, k);
        if (!sbe_tuple(prog, SBE_GROUP_SIZE))
            return SBE_FALLBACK;
        PyObject *block = PyTuple_GET_ITEM(prog, 3), *groups = PyTuple_GET_ITEM(prog, 4);
        int bad = 0;
        PyObject *entries = sbe_given(values, PyTuple_GET_ITEM(prog, 0), &bad);
        if (bad || (entries != NULL && !PyList_CheckExact(entries)))
            return SBE_FALLBACK;
        Py_ssize_t count = entries == NULL ? 0 : PyList_GET_SIZE(entries);
        long block_length = count && PyTuple_CheckExact(block) ? sbe_small(block, 0)
                                                               : sbe_small(prog, 9);
        int result = sbe_write_number(o, sbe_small(prog, 1), (unsigned long long)block_length);
        if (result == 0)
            result = sbe_write_number(o, sbe_small(prog, 2), (unsigned long long)count);
        Py_XINCREF(entries); /* (held while written, as each entry is) */
        for (Py_ssize_t i = 0; i < count && result == 0; i++) {
            if (i >= PyList_GET_SIZE(entries)) {
                result = SBE_FALLBACK;
                break;
            }
            PyObject *entry = Py_NewRef(PyList_GET_ITEM(entries, i)), *inner = NULL;
            result = sbe_plain(entry) ? 0 : SBE_FALLBACK;
            if (result == 0)
                result = sbe_scope(PyTuple_GET_ITEM(prog, 8), block, groups,
                                   entry, scope, o->decimal_type, &inner, depth + 1);
            if (result == 0)
                result = sbe_write_block(o, block, entry, inner, PyTuple_GET_ITEM(prog, 6));
            if (result == 0)
                result = sbe_write_groups(o, groups, entry, inner, depth + 1);
            if (result == 0)
                result = sbe_write_data(o, PyTuple_GET_ITEM(prog, 5), entry);
            Py_XDECREF(inner);
            Py_DECREF(entry);
        }
        if (result == 0 && entries != NULL && PyList_GET_SIZE(entries) != count)
            result = SBE_FALLBACK; /* (the count written must be the entries written) */
        Py_XDECREF(entries);
        if (result != 0)
            return result;
    }
    return 0;
}

static PyObject *
sbe_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* sbe_encode(program, values, template_id, schema_id, version, seq_num, sending_time,
     * decimal_type) -> bytes | None: see the top of this file. */
    if (nargs != 8 || !sbe_tuple(args[0], SBE_MESSAGE_SIZE)) {
        PyErr_SetString(PyExc_TypeError, "sbe_encode(program, values, template_id, schema_id, "
                                         "version, seq_num, sending_time, decimal_type)");
        return NULL;
    }
    PyObject *program = args[0], *values = args[1];
    PyObject *block = PyTuple_GET_ITEM(program, 0), *groups = PyTuple_GET_ITEM(program, 1);
    unsigned long long head[6]; /* head[0], blockLength, once the block is written */
    int neg;
    for (int k = 1; k < 6; k++) {
        if (sbe_int_parts(args[1 + k], 1, &neg, &head[k]) != 0 ||
            sbe_fit(neg, head[k], SBE_HEAD_TYPES[k], &head[k]) != 0)
            Py_RETURN_NONE;
    }
    if (!sbe_plain(values) || !PyTuple_CheckExact(block))
        Py_RETURN_NONE;
    SbeOut o;
    o.d = o.local;
    o.n = 0;
    o.cap = sizeof o.local;
    o.decimal_type = args[7];
    PyObject *scope = NULL, *empty = PyDict_New();
    int result = empty == NULL || sbe_room(&o, SBE_PREFIX) < 0 ? -1 : 0;
    if (result == 0)
        o.n = SBE_PREFIX;
    if (result == 0)
        result = sbe_scope(PyTuple_GET_ITEM(program, 4), block, groups,
                           values, empty, o.decimal_type, &scope, 0);
    if (result == 0)
        result = sbe_write_block(&o, block, values, scope, PyTuple_GET_ITEM(program, 3));
    if (result == 0)
        result = sbe_write_groups(&o, groups, values, scope, 0);
    if (result == 0)
        result = sbe_write_data(&o, PyTuple_GET_ITEM(program, 2), values);
    Py_XDECREF(scope);
    Py_XDECREF(empty);
    PyObject *frame = NULL;
    if (result == 0 && o.n > 0xFFFFFFFFLL)
        result = SBE_FALLBACK;
    if (result == 0) {
        head[0] = (unsigned long long)sbe_small(block, 0);
        sbe_put(o.d, P_UINT32, (unsigned long long)o.n);
        sbe_put(o.d + 4, P_UINT16, SBE_ENCODING_TYPE);
        for (int k = 0; k < 6; k++)
            sbe_put(o.d + SBE_HEAD_OFFSETS[k], SBE_HEAD_TYPES[k], head[k]);
        frame = PyBytes_FromStringAndSize((const char *)o.d, o.n);
    }
    if (o.d != o.local)
        PyMem_Free(o.d);
    if (result > 0)
        Py_RETURN_NONE;
    return frame;
}

static PyMethodDef methods[] = {
    {"frame_run", (PyCFunction)(void (*)(void))frame_run, METH_FASTCALL,
     "frame_run(buf, start, max_frame_size, out) -> (stop, need): append the clean frames."},
    {"wire_texts", (PyCFunction)(void (*)(void))wire_texts, METH_FASTCALL,
     "wire_texts(values, decimal_type) -> tuple | None: str, int and Decimal as wire text."},
    {"split_fields", (PyCFunction)(void (*)(void))split_fields, METH_FASTCALL,
     "split_fields(msg_type, fields, decimal_type) -> (tags, texts) | None: a Message's parts."},
    {"encode_frame", (PyCFunction)(void (*)(void))encode_frame, METH_FASTCALL,
     "encode_frame(msg_type, tags, texts, begin_string[, head_tags, head_texts, reserved]) "
     "-> bytes | None: the whole frame."},
    {"sending_time", (PyCFunction)(void (*)(void))sending_time, METH_FASTCALL,
     "sending_time(epoch, digits) -> str | None: a UTCTIMESTAMP, as binance.py writes it."},
    {"values_valid", (PyCFunction)(void (*)(void))values_valid, METH_FASTCALL,
     "values_valid(program, values) -> bool: each value as its field's op says."},
    {"parse_known", (PyCFunction)(void (*)(void))parse_known, METH_FASTCALL,
     "parse_known(frame, programs, message_type) -> (plan, Message) | None: a known layout."},
    {"stream_messages", (PyCFunction)(void (*)(void))stream_messages, METH_FASTCALL,
     "stream_messages(items, start, head, program, seq_field, expected, message_type, "
     "event_type, msg_type, tags, key) -> list: a run of market-data increments, as events."},
    {"span_values", (PyCFunction)(void (*)(void))span_values, METH_FASTCALL,
     "span_values(frame, spans) -> tuple[str, ...]: the values stream_messages found."},
    {"made", (PyCFunction)(void (*)(void))made, METH_FASTCALL,
     "made(cls, *values) -> cls: a __slots__ instance, its slots set in order (see the C file)."},
    {"read_only", (PyCFunction)(void (*)(void))read_only, METH_FASTCALL,
     "read_only(cls, slot, name, doc) -> descriptor: a read-only view of a slot (see the C file)."},
    {"sbe_frames", (PyCFunction)(void (*)(void))sbe_frames, METH_FASTCALL,
     "sbe_frames(buffer, at, max_size, schema_id, table, decimal_type, message_type, out) -> "
     "int: append the SBE messages read in C."},
    {"sbe_encode", (PyCFunction)(void (*)(void))sbe_encode, METH_FASTCALL,
     "sbe_encode(program, values, template_id, schema_id, version, seq_num, sending_time, "
     "decimal_type) -> bytes | None: an SBE frame."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "fixsession._speedups",
    "The hot loops of framing, validating and encoding, in C (optional).", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
