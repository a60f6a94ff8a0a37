#include "parent_pipe.h"

#include <errno.h>
#include <jansson.h>
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
	g_autoptr(GError) perr = NULL;
	if (!g_ascii_string_to_signed(val, 10, 0, G_MAXINT, &fd, &perr)) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "Invalid %s value \"%s\": %s", var, val,
			    perr->message);
		return -2;
	}
	int r = fd_set_cloexec((int)fd, true);
	if (r < 0) {
		g_set_error(err, OCIMON_ERROR, -r, "%s=%d is not an open fd: %s", var, (int)fd,
			    g_strerror(-r));
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

char *sync_message_format(const char *key, int value, const char *message, size_t message_len)
{
	json_t *obj = json_object();
	json_object_set_new(obj, key, json_integer(value));
	if (message != NULL) {
		/* jansson refuses invalid UTF-8; NULs survive as \u0000. */
		g_autofree char *valid = g_utf8_make_valid(message, (gssize)message_len);
		json_object_set_new(obj, "message", json_stringn(valid, strlen(valid)));
	}
	/* Default separators are ", " and ": ", as conmon's hand-written JSON has. */
	char *body = json_dumps(obj, JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
	json_decref(obj);
	char *line = g_strconcat(body ? body : "{}", "\n", NULL);
	free(body);
	return line;
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
		log_error("Failed to write sync message to the parent: %s", g_strerror(-r));
	}
}
