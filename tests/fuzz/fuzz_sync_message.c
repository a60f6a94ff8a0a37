/* sync_message_format: whatever the message bytes, the line is one JSON object on one
 * line that decodes to the same key and value, and to the same message after UTF-8
 * repair (byte-exact when the message was valid UTF-8 without NUL); an empty message is
 * left out. */
#include <jansson.h>

#include "fuzz.h"
#include "parent_pipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	static const char *const keys[] = {"pid", "exit_code", "data"};
	const char *key = keys[data[0] % 3];
	bool with_message = (data[0] & 4) != 0;
	gint32 value = (gint32)((guint32)data[1] << 24 | (guint32)data[2] << 16 |
				(guint32)data[3] << 8 | data[4]);
	const char *msg = (const char *)data + 5;
	size_t msg_len = size - 5;

	g_autofree char *line = sync_message_format(key, value, with_message ? msg : NULL, msg_len);
	FUZZ_CHECK(line != NULL);
	size_t len = strlen(line);
	/* One line: podman reads up to the first newline. */
	FUZZ_CHECK(len >= 2 && line[len - 1] == '\n');
	FUZZ_CHECK(memchr(line, '\n', len - 1) == NULL);
	g_autofree char *want_prefix = g_strdup_printf("{\"%s\": %d", key, value);
	FUZZ_CHECK(g_str_has_prefix(line, want_prefix));

	json_error_t jerr;
	json_t *obj = json_loadb(line, len, 0, &jerr);
	if (obj == NULL)
		fprintf(stderr, "not JSON (%s): %s", jerr.text, line);
	FUZZ_CHECK(obj != NULL && json_is_object(obj));
	json_t *v = json_object_get(obj, key);
	FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) == value);
	json_t *m = json_object_get(obj, "message");
	/* An empty message is left out, as conmon does. */
	bool has_message = with_message && msg_len > 0;
	FUZZ_CHECK(json_object_size(obj) == (has_message ? 2u : 1u));
	if (has_message) {
		FUZZ_CHECK(json_is_string(m));
		const char *got = json_string_value(m);
		size_t got_len = json_string_length(m);
		FUZZ_CHECK(g_utf8_validate_len(got, got_len, NULL));
		if (g_utf8_validate_len(msg, msg_len, NULL)) {
			FUZZ_CHECK(got_len == msg_len && memcmp(got, msg, msg_len) == 0);
		} else {
			g_autofree char *fixed = g_utf8_make_valid(msg, (gssize)msg_len);
			FUZZ_CHECK(strlen(fixed) == got_len && memcmp(got, fixed, got_len) == 0);
		}
	}
	json_decref(obj);
	return 0;
}
