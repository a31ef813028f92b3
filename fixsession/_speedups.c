/* fixsession._speedups: the hot paths of framing and encoding, in C.
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
 * encode_frame(msg_type, tags, texts, begin_string) -> bytes | None
 *     The frame: 8=begin_string, 9=BodyLength, 35=msg_type, tag=text for each field, then
 *     10=CheckSum. None when a tag is not an int from 1 to 2**63 - 1, or MsgType or a text is
 *     empty or not ASCII or holds SOH (a RawData may):
 *     message.py then encodes it in Python, and raises where it must.
 *
 * layout_spans(frame, start, program) -> bytes | None
 *     Where the values of the fields from `start` to the trailer are (native uint32 start and
 *     end per field) when each field has the tag and a value of the kind `program` says,
 *     field by field (validation.py compiles a program per message layout from the same
 *     rules as its regular expressions, and the tests hold the two to agreeing); None at the
 *     first field that is not as the program says, or for any byte outside printable ASCII,
 *     and validation.py then judges the frame exactly. Values are made into str only when
 *     read (message.py), by span_values(frame, spans) -> tuple[str, ...].
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
 * No function does I/O or keeps state.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

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

static PyObject *
encode_frame(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyTuple_CheckExact(args[1]) || !PyTuple_CheckExact(args[2]) ||
        !PyBytes_CheckExact(args[3]) ||
        PyTuple_GET_SIZE(args[1]) != PyTuple_GET_SIZE(args[2])) {
        PyErr_SetString(PyExc_TypeError, "encode_frame(str, tuple, tuple, bytes)");
        return NULL;
    }
    PyObject *tags = args[1], *texts = args[2];
    Py_ssize_t fields = PyTuple_GET_SIZE(tags);
    Py_ssize_t begin_length = PyBytes_GET_SIZE(args[3]);
    const char *begin_string = PyBytes_AS_STRING(args[3]);
    Py_ssize_t msg_type_length, length;
    const char *msg_type = plain_text(args[0], &msg_type_length);
    if (msg_type == NULL || msg_type_length == 0 || memchr(begin_string, SOH, begin_length) != NULL)
        Py_RETURN_NONE;
    /* BodyLength: 35=MsgType<SOH>, then tag=text<SOH> for each field (tags are < 2**63). */
    Py_ssize_t body = 3 + msg_type_length + 1;
    char tag_text[20];
    for (Py_ssize_t k = 0; k < fields; k++) {
        PyObject *tag = PyTuple_GET_ITEM(tags, k);
        if (!PyLong_Check(tag) || PyBool_Check(tag) ||
            plain_text(PyTuple_GET_ITEM(texts, k), &length) == NULL)
            Py_RETURN_NONE;
        unsigned long long number = PyLong_AsUnsignedLongLong(tag);
        if (number == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        if (number == 0 || number > (unsigned long long)LLONG_MAX) /* not a tag: Python says so */
            Py_RETURN_NONE;
        body += write_number(tag_text, number) + 1 + length + 1;
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
    for (Py_ssize_t k = 0; k < fields; k++) { /* all checked above */
        PyObject *text = PyTuple_GET_ITEM(texts, k);
        length = PyUnicode_GET_LENGTH(text);
        p += write_number(p, PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(tags, k)));
        *p++ = '=';
        memcpy(p, PyUnicode_1BYTE_DATA(text), length), p += length;
        *p++ = SOH;
    }
    unsigned int sum = 0;
    for (const unsigned char *c = (const unsigned char *)out; c < (unsigned char *)p; c++)
        sum += *c;
    sum &= 0xFF;
    memcpy(p, "10=", 3), p += 3;
    *p++ = (char)('0' + sum / 100);
    *p++ = (char)('0' + sum / 10 % 10);
    *p++ = (char)('0' + sum % 10);
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
        unsigned char op = *p++;
        int ok = 1;
        switch (op) {
        case OP_ANY:
            break;
        case OP_INT: {
            unsigned char sign = *p++, most = *p++;
            Py_ssize_t skip = (sign && v[0] == '-');
            ok = digits_between(v + skip, length - skip, 1, most);
            break;
        }
        case OP_DECIMAL:
            ok = is_decimal(v, length);
            break;
        case OP_TIMESTAMP:
            ok = is_timestamp(v, length);
            break;
        case OP_CHARS: {
            unsigned char least = *p++, most = *p++;
            ok = length >= least && length <= most;
            for (Py_ssize_t k = 0; ok && k < length; k++)
                ok = in_set(p, v[k]) != 0;
            p += 32;
            break;
        }
        case OP_ENUM: {
            unsigned char count = *p++;
            ok = 0;
            for (unsigned char k = 0; k < count; k++) {
                unsigned char size = *p++;
                if (!ok && size == length && memcmp(p, v, size) == 0)
                    ok = 1;
                p += size;
            }
            break;
        }
        default:
            ok = 0;
        }
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
layout_spans(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyBytes_CheckExact(args[0]) || !PyBytes_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "layout_spans(bytes, int, bytes)");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred())
        return NULL;
    uint32_t spans[2 * MAX_LAYOUT_FIELDS];
    const unsigned char *program = (const unsigned char *)PyBytes_AS_STRING(args[2]);
    Py_ssize_t fields = walk_layout(
        (const unsigned char *)PyBytes_AS_STRING(args[0]), PyBytes_GET_SIZE(args[0]), pos,
        program, program + PyBytes_GET_SIZE(args[2]), spans, MAX_LAYOUT_FIELDS);
    if (fields < 0)
        Py_RETURN_NONE;
    return PyBytes_FromStringAndSize((const char *)spans, fields * 2 * sizeof(uint32_t));
}

static PyObject *
span_values(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyBytes_CheckExact(args[0]) || !PyBytes_CheckExact(args[1]) ||
        PyBytes_GET_SIZE(args[1]) % (2 * sizeof(uint32_t)) != 0) {
        PyErr_SetString(PyExc_TypeError, "span_values(bytes, spans)");
        return NULL;
    }
    const char *f = PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    const uint32_t *spans = (const uint32_t *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t fields = PyBytes_GET_SIZE(args[1]) / (2 * sizeof(uint32_t));
    PyObject *values = PyTuple_New(fields);
    if (values == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < fields; k++) {
        uint32_t start = spans[2 * k], end = spans[2 * k + 1];
        if (end < start || end > n) {
            Py_DECREF(values);
            PyErr_SetString(PyExc_ValueError, "a span outside the frame");
            return NULL;
        }
        /* layout_spans checked every byte: printable ASCII */
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

static PyMethodDef methods[] = {
    {"frame_run", (PyCFunction)(void (*)(void))frame_run, METH_FASTCALL,
     "frame_run(buf, start, max_frame_size, out) -> (stop, need): append the clean frames."},
    {"wire_texts", (PyCFunction)(void (*)(void))wire_texts, METH_FASTCALL,
     "wire_texts(values, decimal_type) -> tuple | None: str, int and Decimal as wire text."},
    {"split_fields", (PyCFunction)(void (*)(void))split_fields, METH_FASTCALL,
     "split_fields(msg_type, fields, decimal_type) -> (tags, texts) | None: a Message's parts."},
    {"encode_frame", (PyCFunction)(void (*)(void))encode_frame, METH_FASTCALL,
     "encode_frame(msg_type, tags, texts, begin_string) -> bytes | None: the whole frame."},
    {"layout_spans", (PyCFunction)(void (*)(void))layout_spans, METH_FASTCALL,
     "layout_spans(frame, start, program) -> bytes | None: a known layout's valid values."},
    {"stream_messages", (PyCFunction)(void (*)(void))stream_messages, METH_FASTCALL,
     "stream_messages(items, start, head, program, seq_field, expected, message_type, "
     "event_type, msg_type, tags, key) -> list: a run of market-data increments, as events."},
    {"span_values", (PyCFunction)(void (*)(void))span_values, METH_FASTCALL,
     "span_values(frame, spans) -> tuple[str, ...]: the values layout_spans found."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "fixsession._speedups",
    "The hot loops of framing and encoding, in C (optional).", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
