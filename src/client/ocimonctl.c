/* ocimonctl: ocimon's stats for people (DESIGN.md, "Where ocimon goes beyond conmon",
 * point 2). It finds monitors through the registry in the run dir, asks a running one
 * for its stats document on <bundle>/stats, and reads a finished one's summary. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "fdutil.h"
#include "k8s_read.h"
#include "ocimonctl_logs.h"
#include "registry.h"
#include "settings.h"
#include "sparkline.h"
#include "stats.h"
#include "stats_format.h"
#include "top.h"

/* How long a monitor may take to send its document. */
#define FETCH_TIMEOUT_S 5

static const char usage_text[] =
    "Usage: ocimonctl [--run-dir DIR] [--config PATH] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Commands:\n"
    "  ps [--json]                          running monitors\n"
    "  stats [--no-stream] [--json|--raw] [--ascii] [ID|NAME...]\n"
    "                                       CPU, memory, block I/O and PIDs, every second,\n"
    "                                       with their recent trend\n"
    "  top ID|NAME                          the container's processes\n"
    "  logs [-f] [--tail N] [--since TIME] [-t] ID|NAME|PATH\n"
    "                                       the k8s-file log with its kept backups, oldest\n"
    "                                       first; also after the container exited\n"
    "  inspect [--json] [--ascii] ID|NAME|PATH\n"
    "                                       a finished container's summary (stats.json)\n"
    "                                       with its CPU and memory history drawn;\n"
    "                                       PATH (with a '/') is a persist dir, bundle or\n"
    "                                       stats.json; or --persist-dir DIR\n"
    "\n"
    "ID may be any unique prefix of a container ID. The run dir is where monitors\n"
    "register (ocimon --ocimon-run-dir); default: [monitor] run_dir of ocimon's\n"
    "config file (--config, $OCIMON_CONFIG or " OCIMON_DEFAULT_CONFIG "), else\n"
    "/run/ocimon for root, $XDG_RUNTIME_DIR/ocimon otherwise.\n";

struct ctl {
	char *run_dir;
	char *config_path;
};

static int fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ocimonctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ocimonctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n\n", stderr);
	fputs(usage_text, stderr);
	va_end(ap);
	return 2;
}

static const char *display_name(const struct registry_entry *e)
{
	return e->name && *e->name ? e->name : e->id;
}

/* Of the finished containers matching query (newest first, at least one): the newest
 * when the name or the full ID was given (a reused name), else the only one; several IDs
 * with that prefix are ambiguous. */
static struct registry_entry *newest_finished(GPtrArray *hits, const char *query, GError **err)
{
	struct registry_entry *first = hits->pdata[0];
	if (hits->len > 1 && g_strcmp0(first->name, query) != 0 &&
	    g_strcmp0(first->id, query) != 0) {
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "\"%s\" matches %u finished containers; give more of the ID", query,
			    hits->len);
		return NULL;
	}
	return first;
}

/* ---- finding a container ---- */

/* The running monitor a person means. Errors say whether it is unknown, ambiguous or
 * finished. The entry belongs to running. */
static struct registry_entry *find_running(struct ctl *c, GPtrArray *running, const char *query,
					   GError **err)
{
	g_autoptr(GPtrArray) hits = registry_match(running, query);
	if (hits->len > 1 &&
	    g_strcmp0(((struct registry_entry *)hits->pdata[0])->name, query) != 0) {
		GString *ids = g_string_new(NULL);
		for (guint i = 0; i < hits->len; i++) {
			struct registry_entry *e = hits->pdata[i];
			g_string_append_printf(ids, "%s%.12s (%s)", i ? ", " : "", e->id,
					       display_name(e));
		}
		g_set_error(err, OCIMON_ERROR, EINVAL,
			    "\"%s\" matches %u containers: %s; give more of the ID", query,
			    hits->len, ids->str);
		g_string_free(ids, TRUE);
		return NULL;
	}
	if (hits->len > 0)
		return hits->pdata[0];
	g_autoptr(GPtrArray) exited = registry_load(c->run_dir, true);
	g_autoptr(GPtrArray) old = registry_match(exited, query);
	if (old->len > 0) {
		struct registry_entry *e = old->pdata[0];
		g_set_error(err, OCIMON_ERROR, ESRCH,
			    "container %s (%.12s) has exited; \"ocimonctl inspect %s\" shows its "
			    "summary",
			    display_name(e), e->id, query);
		return NULL;
	}
	g_set_error(err, OCIMON_ERROR, ENOENT,
		    "no container \"%s\": no running ocimon monitor has that ID or name in %s",
		    query, c->run_dir);
	return NULL;
}

/* ---- talking to a monitor ---- */

/* Connects to a socket by its directory and name, so a bundle path longer than sun_path
 * still works (the same trick as the monitor's bind). */
static int connect_in_dir(const char *path, GError **err)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	autoclose int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir(dir) < 0) {
		int e = errno;
		g_set_error(err, OCIMON_ERROR, e, "Failed to reach %s: %s", dir, g_strerror(e));
		return -1;
	}
	autoclose int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	g_strlcpy(addr.sun_path, base, sizeof(addr.sun_path));
	int r = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	int e = errno;
	if (fchdir(here) < 0 && r == 0) {
		e = errno;
		r = -1;
	}
	if (r < 0) {
		g_set_error(err, OCIMON_ERROR, e, "Failed to connect to %s: %s", path,
			    g_strerror(e));
		return -1;
	}
	return fd_steal(&fd);
}

/* The stats document of a running monitor. */
static json_t *fetch_document(const struct registry_entry *e, GError **err)
{
	if (e->stats_socket == NULL) {
		g_set_error(err, OCIMON_ERROR, ENOTSUP,
			    "container %s has no stats (its monitor runs with --stats-interval 0)",
			    display_name(e));
		return NULL;
	}
	g_autoptr(GError) cerr = NULL;
	autoclose int fd = connect_in_dir(e->stats_socket, &cerr);
	if (fd < 0) {
		if (!registry_monitor_alive(e) || cerr->code == ECONNREFUSED ||
		    cerr->code == ENOENT)
			g_set_error(err, OCIMON_ERROR, ESRCH,
				    "the monitor of container %s (pid %d) is gone; its registry "
				    "entry %s is stale (%s)",
				    display_name(e), (int)e->monitor_pid, e->file ? e->file : "",
				    cerr->message);
		else
			g_propagate_error(err, g_steal_pointer(&cerr));
		return NULL;
	}
	struct timeval tv = {.tv_sec = FETCH_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	g_autoptr(GString) buf = g_string_new(NULL);
	char chunk[16384];
	for (;;) {
		ssize_t n = read_retry(fd, chunk, sizeof(chunk));
		if (n < 0) {
			int en = errno;
			g_set_error(err, OCIMON_ERROR, en, "Failed to read %s: %s", e->stats_socket,
				    g_strerror(en));
			return NULL;
		}
		if (n == 0)
			break;
		g_string_append_len(buf, chunk, n);
	}
	json_error_t jerr;
	json_t *doc = json_loadb(buf->str, buf->len, 0, &jerr);
	if (doc == NULL) {
		g_set_error(err, OCIMON_ERROR, EINVAL, "Bad stats document from %s: %s",
			    e->stats_socket, jerr.text);
		return NULL;
	}
	/* No sample at all: the monitor says why (e.g. racct is disabled). */
	const char *why = json_string_value(json_object_get(doc, "error"));
	if (!json_is_object(json_object_get(doc, "current"))) {
		g_set_error(err, OCIMON_ERROR, ENOENT, "container %s: no stats: %s",
			    display_name(e), why ? why : "no sample yet");
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static guint64 get_u64(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (guint64)v : 0;
}

/* ---- pictures ---- */

/* Trend cells in ocimonctl stats; the history cells of inspect. */
#define TREND_CELLS   10
#define HISTORY_CELLS 60
/* Memory at this share of the limit is drawn as at the limit. */
#define AT_LIMIT 0.95

struct look {
	enum spark_charset charset;
	bool color;
};

/* Blocks where the locale is UTF-8 (unless --ascii); colour only on a terminal, and not
 * with NO_COLOR (no-color.org) or TERM=dumb. */
static struct look look_for(gboolean ascii)
{
	struct look l;
	bool utf8 =
	    spark_locale_is_utf8(g_getenv("LC_ALL"), g_getenv("LC_CTYPE"), g_getenv("LANG"));
	l.charset = ascii || !utf8 ? SPARK_ASCII : SPARK_UNICODE;
	const char *no_color = g_getenv("NO_COLOR"), *term = g_getenv("TERM");
	l.color = isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0') &&
		  g_strcmp0(term, "dumb") != 0;
	return l;
}

/* A limit is real when it is below the machine's memory: the sampler caps "no limit" at
 * that. */
static bool real_limit(guint64 limit)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	guint64 machine = pages > 0 && size > 0 ? (guint64)pages * (guint64)size : 0;
	return limit > 0 && (machine == 0 || limit < machine);
}

/* One number of every sample of a history array, the last `last` of them (0: all). */
static double *history_values(json_t *history, const char *key, size_t last, size_t *n)
{
	size_t len = json_array_size(history), from = last && len > last ? len - last : 0;
	double *v = g_new(double, len - from + 1);
	*n = 0;
	for (size_t i = from; i < len; i++)
		v[(*n)++] = json_number_value(json_object_get(json_array_get(history, i), key));
	return v;
}

static double max_of(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m = MAX(m, v[i]);
	return m;
}

/* CPU on the scale of its busiest moment, so the shape shows (the peak is printed beside
 * it); at least a tenth of a core, so a nearly idle container does not look busy. */
#define CPU_MIN_SCALE 10.0
static double cpu_scale(const double *v, size_t n)
{
	return MAX(CPU_MIN_SCALE, max_of(v, n));
}

static char *cpu_line(const double *v, size_t n, size_t width, const struct look *l)
{
	struct spark_opts o = {.charset = l->charset, .width = width, .max = cpu_scale(v, n)};
	return spark_render(v, n, &o);
}

/* Memory on the scale of its limit, the cells at the limit marked; without a limit, on the
 * scale of its peak. */
static char *mem_line(const double *v, size_t n, guint64 limit, size_t width, const struct look *l)
{
	struct spark_opts o = {.charset = l->charset, .width = width, .color = l->color};
	if (real_limit(limit)) {
		o.max = (double)limit;
		o.mark = AT_LIMIT * (double)limit;
	}
	return spark_render(v, n, &o);
}

/* ---- ps ---- */

static char *uptime_of(gint64 started_at_us)
{
	/* In doubles: started_at comes from a file, the difference must not overflow. */
	return stats_human_duration(((double)g_get_real_time() - (double)started_at_us) /
				    G_USEC_PER_SEC);
}

static int cmd_ps(struct ctl *c, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
	    {NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- running monitors");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return usage_error("ps: %s", err->message);
	if (argc > 1)
		return usage_error("ps takes no arguments");

	g_autoptr(GPtrArray) running = registry_load(c->run_dir, false);
	if (json) {
		json_t *list = json_array();
		for (guint i = 0; i < running->len; i++) {
			struct registry_entry *e = running->pdata[i];
			if (registry_monitor_alive(e))
				json_array_append_new(list, registry_entry_to_json(e));
		}
		g_autofree char *text = json_dumps(list, JSON_INDENT(2) | STATS_JSON_REAL);
		json_decref(list);
		printf("%s\n", text);
		return 0;
	}
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	const char *header[] = {"ID", "NAME", "PID", "CTR PID", "UPTIME", "LOG DRIVER", NULL};
	g_ptr_array_add(rows, g_strdupv((char **)header));
	for (guint i = 0; i < running->len; i++) {
		struct registry_entry *e = running->pdata[i];
		if (!registry_monitor_alive(e))
			continue; /* a monitor that died without cleaning up */
		g_autofree char *drivers = g_strjoinv(",", e->log_drivers);
		char *row[] = {
		    g_strndup(e->id, 12),
		    g_strdup(e->name ? e->name : ""),
		    g_strdup_printf("%d", (int)e->monitor_pid),
		    g_strdup_printf("%d", (int)e->container_pid),
		    uptime_of(e->started_at),
		    g_strdup(*drivers ? drivers : "-"),
		    NULL,
		};
		g_ptr_array_add(rows, g_memdup2(row, sizeof(row)));
	}
	g_autofree char *table = stats_format_table(rows);
	fputs(table, stdout);
	return 0;
}

/* ---- stats ---- */

static char **stats_row(const struct registry_entry *e, json_t *doc, const struct look *l)
{
	json_t *cur = json_object_get(doc, "current");
	/* The trend: the last samples of the history, then the one taken now. */
	json_t *recent = json_deep_copy(json_object_get(doc, "history"));
	if (!json_is_array(recent)) {
		json_decref(recent);
		recent = json_array();
	}
	json_array_append(recent, cur);
	size_t n;
	g_autofree double *cpu_v = history_values(recent, "cpu_percent", TREND_CELLS, &n);
	g_autofree double *mem_v = history_values(recent, "mem_bytes", TREND_CELLS, &n);
	json_decref(recent);
	guint64 mem = get_u64(cur, "mem_bytes"), limit = get_u64(cur, "mem_limit_bytes");
	g_autofree char *mem_s = stats_human_size(mem);
	g_autofree char *limit_s = stats_human_size(limit);
	g_autofree char *rd = stats_human_size(get_u64(cur, "blk_read_bytes"));
	g_autofree char *wr = stats_human_size(get_u64(cur, "blk_write_bytes"));
	char *row[] = {
	    g_strndup(e->id, 12),
	    g_strdup(e->name ? e->name : ""),
	    g_strdup_printf("%.2f%%", json_number_value(json_object_get(cur, "cpu_percent"))),
	    g_strdup_printf("%s / %s", mem_s, limit_s),
	    g_strdup_printf("%.2f%%", limit ? (double)mem / (double)limit * 100.0 : 0.0),
	    g_strdup_printf("%s / %s", rd, wr),
	    g_strdup_printf("%" G_GUINT64_FORMAT, get_u64(cur, "pids")),
	    stats_human_duration((double)get_u64(cur, "cpu_ns") / 1e9),
	    cpu_line(cpu_v, n, TREND_CELLS, l),
	    mem_line(mem_v, n, limit, TREND_CELLS, l),
	    NULL,
	};
	return g_memdup2(row, sizeof(row));
}

/* --json: the sample's own keys plus id, name and mem_percent. */
static json_t *stats_object(const struct registry_entry *e, json_t *doc)
{
	json_t *cur = json_deep_copy(json_object_get(doc, "current"));
	guint64 mem = get_u64(cur, "mem_bytes"), limit = get_u64(cur, "mem_limit_bytes");
	json_object_set_new(cur, "id", json_string(e->id));
	json_object_set_new(cur, "name", json_string(e->name ? e->name : ""));
	json_object_set_new(cur, "mem_percent",
			    json_real(limit ? (double)mem / (double)limit * 100.0 : 0.0));
	return cur;
}

/* One round: the output for the containers asked for (all running ones without names). */
static char *stats_round(struct ctl *c, char **names, gboolean json, gboolean raw,
			 const struct look *l, GError **err)
{
	g_autoptr(GPtrArray) running = registry_load(c->run_dir, false);
	g_autoptr(GPtrArray) chosen = g_ptr_array_new();
	bool all = names == NULL || names[0] == NULL;
	if (all) {
		for (guint i = 0; i < running->len; i++)
			if (registry_monitor_alive(running->pdata[i]))
				g_ptr_array_add(chosen, running->pdata[i]);
	} else {
		for (size_t i = 0; names[i]; i++) {
			struct registry_entry *e = find_running(c, running, names[i], err);
			if (e == NULL)
				return NULL;
			g_ptr_array_add(chosen, e);
		}
	}
	json_t *list = json_array();
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	const char *header[] = {"ID",        "NAME",      "CPU %", "MEM USAGE / LIMIT",
				"MEM %",     "BLOCK IO",  "PIDS",  "CPU TIME",
				"CPU TREND", "MEM TREND", NULL};
	g_ptr_array_add(rows, g_strdupv((char **)header));
	for (guint i = 0; i < chosen->len; i++) {
		struct registry_entry *e = chosen->pdata[i];
		g_autoptr(GError) ferr = NULL;
		json_t *doc = fetch_document(e, &ferr);
		if (doc == NULL) {
			/* Listing everything: a monitor that just exited is simply gone, and
			 * one without numbers must not hide the others. */
			if (all) {
				if (ferr->code != ESRCH)
					fprintf(stderr, "ocimonctl: %s\n", ferr->message);
				continue;
			}
			json_decref(list);
			g_propagate_error(err, g_steal_pointer(&ferr));
			return NULL;
		}
		json_array_append_new(list, raw ? json_incref(doc) : stats_object(e, doc));
		g_ptr_array_add(rows, stats_row(e, doc, l));
		json_decref(doc);
	}
	char *out;
	if (json || raw) {
		char *text = json_dumps(list, JSON_INDENT(2) | STATS_JSON_REAL);
		out = g_strconcat(text, "\n", NULL);
		free(text);
	} else {
		out = stats_format_table(rows);
	}
	json_decref(list);
	return out;
}

static int cmd_stats(struct ctl *c, int argc, char **argv)
{
	gboolean no_stream = FALSE, json = FALSE, raw = FALSE, ascii = FALSE;
	GOptionEntry entries[] = {
	    {"no-stream", 0, 0, G_OPTION_ARG_NONE, &no_stream, "Print once and exit", NULL},
	    {"ascii", 0, 0, G_OPTION_ARG_NONE, &ascii, "Draw the trends in plain ASCII", NULL},
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON list", NULL},
	    {"raw", 0, 0, G_OPTION_ARG_NONE, &raw,
	     "Print each monitor's whole stats document (history, peaks) as JSON", NULL},
	    {NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[ID|NAME...] - resource use");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return usage_error("stats: %s", err->message);
	char **names = argc > 1 ? argv + 1 : NULL;
	bool tty = isatty(STDOUT_FILENO);
	struct look l = look_for(ascii);
	for (;;) {
		g_autofree char *out = stats_round(c, names, json, raw, &l, &err);
		if (out == NULL)
			return fail("%s", err->message);
		if (!no_stream && tty)
			fputs("\033[H\033[2J", stdout); /* redraw in place, as podman stats */
		fputs(out, stdout);
		fflush(stdout);
		if (no_stream)
			return 0;
		sleep(1);
	}
}

/* ---- top ---- */

static int cmd_top(struct ctl *c, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("top takes one container ID or name");
	g_autoptr(GPtrArray) running = registry_load(c->run_dir, false);
	g_autoptr(GError) err = NULL;
	struct registry_entry *e = find_running(c, running, argv[1], &err);
	if (e == NULL)
		return fail("%s", err->message);
	if (!registry_monitor_alive(e))
		return fail("the monitor of container %s (pid %d) is gone; its registry entry %s "
			    "is stale",
			    display_name(e), (int)e->monitor_pid, e->file ? e->file : "");
	g_autofree char *table = top_table(e, &err);
	if (table == NULL)
		return fail("%s", err->message);
	fputs(table, stdout);
	return 0;
}

/* ---- inspect ---- */

/* A path argument: a stats.json, or a directory holding one (persist dir, bundle). */
static json_t *load_summary_path(const char *path, GError **err)
{
	g_autofree char *file = g_file_test(path, G_FILE_TEST_IS_DIR)
				    ? g_build_filename(path, "stats.json", NULL)
				    : g_strdup(path);
	json_error_t jerr;
	json_t *j = json_load_file(file, 0, &jerr);
	if (j == NULL) {
		int e = g_file_test(file, G_FILE_TEST_EXISTS) ? EINVAL : ENOENT;
		g_set_error(err, OCIMON_ERROR, e, "Failed to read the summary %s: %s", file,
			    e == ENOENT ? g_strerror(ENOENT) : jerr.text);
	}
	return j;
}

static json_t *find_summary(struct ctl *c, const char *query, GError **err)
{
	/* A path has a '/' ("./dir" for one here): a name never does. */
	if (strchr(query, '/') != NULL)
		return load_summary_path(query, err);
	g_autoptr(GPtrArray) running = registry_load(c->run_dir, false);
	g_autoptr(GPtrArray) live = registry_match(running, query);
	for (guint i = 0; i < live->len; i++) {
		struct registry_entry *e = live->pdata[i];
		if (registry_monitor_alive(e)) {
			g_set_error(
			    err, OCIMON_ERROR, EBUSY,
			    "container %s is still running; \"ocimonctl stats %s\" shows it",
			    display_name(e), query);
			return NULL;
		}
	}
	g_autoptr(GPtrArray) exited = registry_load(c->run_dir, true);
	g_autoptr(GPtrArray) hits = registry_match(exited, query);
	if (hits->len == 0) {
		g_set_error(err, OCIMON_ERROR, ENOENT,
			    "no finished container \"%s\" in %s/%s (the newest %d are kept); give "
			    "its persist dir or bundle instead",
			    query, c->run_dir, REGISTRY_EXITED_DIR, REGISTRY_EXITED_KEEP);
		return NULL;
	}
	struct registry_entry *first = newest_finished(hits, query, err);
	return first ? json_incref(first->summary) : NULL;
}

/* The settings in force and where each came from, so a user can see why a container
 * behaved as it did. */
static void print_settings(json_t *s)
{
	json_t *settings = json_object_get(s, "settings");
	if (!json_is_object(settings))
		return;
	printf("Settings:\n");
	const char *name;
	json_t *e;
	json_object_foreach(settings, name, e)
	{
		const char *value = json_string_value(json_object_get(e, "value"));
		const char *from = json_string_value(json_object_get(e, "from"));
		const char *source = json_string_value(json_object_get(e, "source"));
		printf("  %-22s %s (%s%s%s)\n", name, value && *value ? value : "-",
		       from ? from : "?", source ? " " : "", source ? source : "");
	}
	json_t *w = json_object_get(s, "settings_warnings");
	size_t i;
	json_t *v;
	json_array_foreach(w, i, v) printf("  warning: %s\n", json_string_value(v));
}

/* The kept history as pictures: CPU, memory against its limit, PIDs. */
static void print_history(json_t *s, const struct look *l)
{
	json_t *history = json_object_get(s, "history");
	size_t len = json_array_size(history);
	if (len == 0)
		return;
	gint64 t0 = 0, t1 = 0;
	const char *first =
	    json_string_value(json_object_get(json_array_get(history, 0), "timestamp"));
	const char *last =
	    json_string_value(json_object_get(json_array_get(history, len - 1), "timestamp"));
	bool timed = first && last && k8s_time_parse(first, strlen(first), &t0) &&
		     k8s_time_parse(last, strlen(last), &t1);
	g_autofree char *span = stats_human_duration(timed ? (double)(t1 - t0) / 1e6 : 0);
	json_int_t every = json_integer_value(json_object_get(s, "interval_s"));
	json_int_t most = json_integer_value(json_object_get(s, "max_interval_s"));
	printf("History:      %zu samples", len);
	if (every > 0)
		printf(", every %" JSON_INTEGER_FORMAT "s", every);
	/* The adaptive interval: a quiet stretch has fewer samples, so it takes less room. */
	if (every > 0 && most > every)
		printf(" (up to %" JSON_INTEGER_FORMAT "s while quiet)", most);
	if (timed)
		printf(", over %s", span);
	if (len > HISTORY_CELLS)
		printf(" (each mark the highest of %zu)",
		       (len + HISTORY_CELLS - 1) / HISTORY_CELLS);
	printf("\n");

	size_t n;
	g_autofree double *cpu = history_values(history, "cpu_percent", 0, &n);
	g_autofree char *cpu_s = cpu_line(cpu, n, HISTORY_CELLS, l);
	printf("  CPU %%       %s  peak %.2f%% (100%% = one core)\n", cpu_s, max_of(cpu, n));

	g_autofree double *mem = history_values(history, "mem_bytes", 0, &n);
	guint64 limit = get_u64(s, "mem_limit_bytes");
	g_autofree char *mem_s = mem_line(mem, n, limit, HISTORY_CELLS, l);
	guint64 peak = MAX(get_u64(s, "peak_mem_bytes"), (guint64)max_of(mem, n));
	g_autofree char *peak_s = stats_human_size(peak);
	bool oom = json_is_true(json_object_get(s, "oom_killed"));
	const char *red = l->color ? "\033[31m" : "", *reset = l->color ? "\033[0m" : "";
	if (real_limit(limit)) {
		g_autofree char *limit_s = stats_human_size(limit);
		g_autofree char *ruler =
		    spark_ruler(MIN(n, (size_t)HISTORY_CELLS), l->charset, l->color);
		printf("  Memory      %s  limit %s\n", ruler, limit_s);
		printf("              %s  peak %s (%.1f%% of the limit)%s%s%s\n", mem_s, peak_s,
		       (double)peak / (double)limit * 100.0, oom ? red : "",
		       oom ? ", OOM killed" : "", oom ? reset : "");
	} else {
		printf("  Memory      %s  peak %s (no limit)%s%s%s\n", mem_s, peak_s,
		       oom ? red : "", oom ? ", OOM killed" : "", oom ? reset : "");
	}

	g_autofree double *pids = history_values(history, "pids", 0, &n);
	struct spark_opts po = {.charset = l->charset, .width = HISTORY_CELLS};
	g_autofree char *pids_s = spark_render(pids, n, &po);
	printf("  PIDs        %s  peak %.0f\n", pids_s, max_of(pids, n));
}

static void print_summary(json_t *s, const struct look *l)
{
	const char *id = json_string_value(json_object_get(s, "id"));
	const char *name = json_string_value(json_object_get(s, "name"));
	double duration = json_number_value(json_object_get(s, "duration_s"));
	guint64 peak = get_u64(s, "peak_mem_bytes"), limit = get_u64(s, "mem_limit_bytes");
	g_autofree char *dur = stats_human_duration(duration);
	g_autofree char *cpu = stats_human_duration((double)get_u64(s, "total_cpu_ns") / 1e9);
	g_autofree char *peak_s = stats_human_size(peak);
	g_autofree char *limit_s = stats_human_size(limit);
	g_autofree char *rd = stats_human_size(get_u64(s, "blk_read_bytes"));
	g_autofree char *wr = stats_human_size(get_u64(s, "blk_write_bytes"));
	const char *peak_at = json_string_value(json_object_get(s, "peak_mem_at"));
	const char *error = json_string_value(json_object_get(s, "error"));
	printf("ID:           %s\n", id ? id : "");
	printf("Name:         %s\n", name ? name : "");
	printf("Started:      %s\n", json_string_value(json_object_get(s, "started_at")));
	printf("Finished:     %s\n", json_string_value(json_object_get(s, "finished_at")));
	printf("Duration:     %s\n", dur);
	printf("Exit status:  %" JSON_INTEGER_FORMAT "\n",
	       json_integer_value(json_object_get(s, "exit_status")));
	printf("OOM killed:   %s\n", json_is_true(json_object_get(s, "oom_killed")) ? "yes" : "no");
	printf("CPU time:     %s\n", cpu);
	printf("Peak CPU:     %.2f%%\n", json_number_value(json_object_get(s, "peak_cpu_percent")));
	printf("Peak memory:  %s of %s (%.2f%%)%s%s\n", peak_s, limit_s,
	       limit ? (double)peak / (double)limit * 100.0 : 0.0, peak_at ? " at " : "",
	       peak_at ? peak_at : "");
	/* The kernel's high-water mark has no time: the highest sample says when. */
	const char *from = json_string_value(json_object_get(s, "peak_mem_from"));
	const char *sampled_at = json_string_value(json_object_get(s, "peak_mem_sampled_at"));
	if (from != NULL && !g_str_equal(from, "samples")) {
		g_autofree char *sampled = stats_human_size(get_u64(s, "peak_mem_sampled_bytes"));
		printf("              (the kernel's %s; highest sample %s%s%s)\n", from, sampled,
		       sampled_at ? " at " : "", sampled_at ? sampled_at : "");
	}
	printf("Peak PIDs:    %" G_GUINT64_FORMAT "\n", get_u64(s, "peak_pids"));
	printf("Block I/O:    %s read / %s written\n", rd, wr);
	printf("Samples:      %" G_GUINT64_FORMAT "\n", get_u64(s, "samples"));
	if (error)
		printf("Stats error:  %s\n", error);
	const char *path = json_string_value(json_object_get(s, "summary_path"));
	if (path)
		printf("Summary:      %s\n", path);
	const char *log = json_string_value(json_object_get(s, "log_path"));
	if (log)
		printf("Log:          %s\n", log);
	print_history(s, l);
	print_settings(s);
}

static int cmd_inspect(struct ctl *c, int argc, char **argv)
{
	gboolean json = FALSE, ascii = FALSE;
	char *persist_dir = NULL;
	GOptionEntry entries[] = {
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL},
	    {"ascii", 0, 0, G_OPTION_ARG_NONE, &ascii, "Draw the history in plain ASCII", NULL},
	    {"persist-dir", 0, 0, G_OPTION_ARG_FILENAME, &persist_dir,
	     "Read DIR/stats.json instead of looking the container up", "DIR"},
	    {NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("ID|NAME|PATH - exit summary");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return usage_error("inspect: %s", err->message);
	g_autofree char *dir = persist_dir;
	if ((dir == NULL && argc != 2) || (dir != NULL && argc != 1))
		return usage_error("inspect takes one container ID, name or path");
	json_t *s = dir ? load_summary_path(dir, &err) : find_summary(c, argv[1], &err);
	if (s == NULL)
		return fail("%s", err->message);
	if (json) {
		g_autofree char *text =
		    json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS | STATS_JSON_REAL);
		printf("%s\n", text);
	} else {
		struct look l = look_for(ascii);
		print_summary(s, &l);
	}
	json_decref(s);
	return 0;
}

/* ---- logs ---- */

static bool entry_alive(gpointer data)
{
	return registry_monitor_alive(data);
}

/* The container's log: a running monitor's, else a finished one's (its summary names the
 * log, so this works after podman rm as long as the files are there). */
static struct registry_entry *find_logged(struct ctl *c, GPtrArray *running, GPtrArray *exited,
					  const char *query, GError **err)
{
	g_autoptr(GPtrArray) live = registry_match(running, query);
	for (guint i = 0; i < live->len; i++)
		if (registry_monitor_alive(live->pdata[i]))
			return live->pdata[i];
	g_autoptr(GPtrArray) hits = registry_match(exited, query);
	if (hits->len == 0) {
		g_set_error(err, OCIMON_ERROR, ENOENT,
			    "no container \"%s\" in %s: neither a running ocimon monitor nor one "
			    "of the newest %d finished ones has that ID or name; give the log's "
			    "path instead",
			    query, c->run_dir, REGISTRY_EXITED_KEEP);
		return NULL;
	}
	return newest_finished(hits, query, err);
}

static int cmd_logs(struct ctl *c, int argc, char **argv)
{
	gboolean follow = FALSE, timestamps = FALSE;
	int tail = -1;
	char *since = NULL;
	GOptionEntry entries[] = {
	    {"follow", 'f', 0, G_OPTION_ARG_NONE, &follow,
	     "Keep printing new output until the container ends", NULL},
	    {"tail", 'n', 0, G_OPTION_ARG_INT, &tail, "Only the last N lines", "N"},
	    {"since", 0, 0, G_OPTION_ARG_STRING, &since,
	     "Only lines since TIME (RFC 3339, Unix seconds, or a duration such as 10m)", "TIME"},
	    {"timestamps", 't', 0, G_OPTION_ARG_NONE, &timestamps, "Show each line's timestamp",
	     NULL},
	    {NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("ID|NAME|PATH - the container's log");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return usage_error("logs: %s", err->message);
	g_autofree char *since_text = since;
	if (argc != 2)
		return usage_error("logs takes one container ID, name or log path");
	struct logs_opts o = {
	    .follow = follow, .tail = tail < 0 ? -1 : tail, .timestamps = timestamps};
	if (since_text != NULL &&
	    !k8s_since_parse(since_text, g_get_real_time(), &o.since_us, &err))
		return usage_error("logs: --since: %s", err->message);

	const char *query = argv[1];
	/* A path has a '/': a name never does. */
	if (strchr(query, '/') != NULL) {
		o.follow = false;
		if (!logs_print(query, &o, NULL, NULL, &err))
			return fail("%s", err->message);
		return 0;
	}
	g_autoptr(GPtrArray) running = registry_load(c->run_dir, false);
	g_autoptr(GPtrArray) exited = registry_load(c->run_dir, true);
	struct registry_entry *e = find_logged(c, running, exited, query, &err);
	if (e == NULL)
		return fail("%s", err->message);
	if (e->log_path == NULL) {
		g_autofree char *drivers = g_strjoinv(", ", e->log_drivers);
		return fail("container %s has no k8s-file log (its log drivers: %s); podman logs "
			    "or journalctl show other drivers' output",
			    display_name(e), *drivers ? drivers : "none");
	}
	bool running_now = !e->exited && registry_monitor_alive(e);
	if (!logs_print(e->log_path, &o, running_now ? entry_alive : NULL, e, &err))
		return fail("the log of container %s is gone: %s", display_name(e), err->message);
	return 0;
}

/* The monitors register where the config file says ([monitor] run_dir), so look there. */
static char *config_run_dir(const char *config_path)
{
	struct ocimon_settings s;
	settings_init(&s);
	settings_load_file(&s, config_path);
	for (guint i = 0; i < s.warnings->len; i++)
		fprintf(stderr, "ocimonctl: %s\n", (const char *)s.warnings->pdata[i]);
	char *dir = g_steal_pointer(&s.run_dir);
	settings_clear(&s);
	return dir;
}

int main(int argc, char **argv)
{
	struct ctl c = {0};
	int i = 1;
	/* Global options come before the command. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc) {
			g_free(c.run_dir);
			c.run_dir = g_strdup(argv[++i]);
		} else if (g_str_has_prefix(argv[i], "--run-dir=")) {
			g_free(c.run_dir);
			c.run_dir = g_strdup(argv[i] + strlen("--run-dir="));
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			g_free(c.config_path);
			c.config_path = g_strdup(argv[++i]);
		} else if (g_str_has_prefix(argv[i], "--config=")) {
			g_free(c.config_path);
			c.config_path = g_strdup(argv[i] + strlen("--config="));
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("ocimonctl version %s\n", OCIMON_VERSION);
			return 0;
		} else {
			return usage_error("unknown option %s", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("no command given");
	if (c.run_dir == NULL)
		c.run_dir = config_run_dir(c.config_path);
	if (c.run_dir == NULL)
		c.run_dir = registry_default_run_dir();
	signal(SIGPIPE, SIG_IGN);
	const char *cmd = argv[i];
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	int status;
	if (strcmp(cmd, "ps") == 0)
		status = cmd_ps(&c, sub_argc, sub_argv);
	else if (strcmp(cmd, "stats") == 0)
		status = cmd_stats(&c, sub_argc, sub_argv);
	else if (strcmp(cmd, "top") == 0)
		status = cmd_top(&c, sub_argc, sub_argv);
	else if (strcmp(cmd, "inspect") == 0)
		status = cmd_inspect(&c, sub_argc, sub_argv);
	else if (strcmp(cmd, "logs") == 0)
		status = cmd_logs(&c, sub_argc, sub_argv);
	else if (strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		status = 0;
	} else
		status = usage_error("unknown command %s", cmd);
	g_free(c.run_dir);
	g_free(c.config_path);
	return status;
}
