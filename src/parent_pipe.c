#include "parent_pipe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fdutil.h"
#include "log.h"

int parent_pipe_fd_from_env(const char *var, GError **err)
{
	const char *val = getenv(var);
	if (val == NULL || *val == '\0')
		return -1;
	gint64 fd;
	/* conmon's words, then ours. */
	if (!g_ascii_string_to_signed(val, 10, 0, G_MAXINT, &fd, NULL)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "unable to parse %s %s (\"%s\")", var,
			    g_strerror(EINVAL), val);
		return -2;
	}
	int r = fd_set_cloexec((int)fd, true);
	if (r < 0) {
		g_set_error(err, OCIMON_ERROR, -r, "unable to make %s CLOEXEC %s (fd %d)", var,
			    g_strerror(-r), (int)fd);
		return -2;
	}
	return (int)fd;
}

const char *sync_message_key(const struct ocimon_options *o)
{
	if (o->api_version >= 1)
		return "data";
	return o->exec ? "exit_code" : "pid";
}

/* conmon's escaping (C src/parent_pipe_fd.c escape_json_string): the two-character forms
 * for \\ " / \n \r \t \b \f, \u00xx (lower case) for other control characters and DEL,
 * everything else as it is. */
static void append_escaped(GString *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\':
		case '"':
		case '/':
			g_string_append_c(out, '\\');
			g_string_append_c(out, (char)c);
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				g_string_append_printf(out, "\\u00%02x", c);
			else
				g_string_append_c(out, (char)c);
		}
	}
}

char *sync_message_format(const char *key, int value, const char *message, size_t message_len)
{
	GString *line = g_string_new(NULL);
	g_string_append_printf(line, "{\"%s\": %d", key, value);
	/* conmon leaves an empty message out. */
	if (message != NULL && message_len > 0) {
		/* Invalid UTF-8 (and NUL) becomes U+FFFD here rather than in podman's decoder,
		 * so the line is valid JSON for any reader. */
		g_autofree char *valid = g_utf8_make_valid(message, (gssize)message_len);
		g_string_append(line, ", \"message\": \"");
		append_escaped(line, valid, strlen(valid));
		g_string_append_c(line, '"');
	}
	g_string_append(line, "}\n");
	return g_string_free(line, FALSE);
}

void sync_message_send(int *fd, const char *key, int value, const char *message)
{
	if (*fd < 0)
		return;
	g_autofree char *line =
	    sync_message_format(key, value, message, message ? strlen(message) : 0);
	log_debug("sync message: %s", line);
	int r = write_all(*fd, line, strlen(line));
	if (r == -EPIPE) {
		fd_close(fd);
	} else if (r < 0) {
		log_error("Unable to send container stderr message to parent %s", g_strerror(-r));
	}
}
