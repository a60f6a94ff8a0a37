#include "stats.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "logdriver.h"
#include "options.h"
#include "registry.h"
#include "saturate.h"
#include "settings.h"
#include "stats_backend.h"
#include "stats_socket.h"

/* ---- pure pieces ---- */

void stats_ring_init(struct stats_ring *r, guint cap)
{
	r->cap = MAX(cap, 1u);
	r->items = g_malloc(sizeof(*r->items) * r->cap); /* not zeroed: see struct stats_ring */
	r->start = r->len = 0;
}

void stats_ring_clear(struct stats_ring *r)
{
	g_clear_pointer(&r->items, g_free);
	r->cap = r->start = r->len = 0;
}

void stats_ring_push(struct stats_ring *r, const struct ocimon_sample *s)
{
	if (r->len < r->cap) {
		r->items[(r->start + r->len) % r->cap] = *s;
		r->len++;
		return;
	}
	r->items[r->start] = *s; /* overwrite the oldest */
	r->start = (r->start + 1) % r->cap;
}

const struct ocimon_sample *stats_ring_get(const struct stats_ring *r, guint i)
{
	if (i >= r->len)
		return NULL;
	return &r->items[(r->start + i) % r->cap];
}

const struct ocimon_sample *stats_ring_last(const struct stats_ring *r)
{
	return r->len > 0 ? stats_ring_get(r, r->len - 1) : NULL;
}

const struct ocimon_sample *stats_ring_before(const struct stats_ring *r, gint64 now_mono,
					      gint64 min_age_us)
{
	for (guint i = r->len; i > 0; i--) {
		const struct ocimon_sample *s = stats_ring_get(r, i - 1);
		if (now_mono - s->monotonic >= min_age_us)
			return s;
	}
	return NULL;
}

void stats_peaks_update(struct stats_peaks *p, const struct ocimon_sample *s)
{
	if (p->mem_at == 0 || s->mem_bytes > p->mem_bytes) {
		p->mem_bytes = s->mem_bytes;
		p->mem_at = s->timestamp;
	}
	p->pids = MAX(p->pids, s->pids);
	p->cpu_percent = MAX(p->cpu_percent, s->cpu_percent);
}

bool stats_sample_moved(const struct ocimon_sample *prev, const struct ocimon_sample *cur)
{
	double dcpu = cur->cpu_percent - prev->cpu_percent;
	if (dcpu >= STATS_MOVE_CPU_POINTS || dcpu <= -STATS_MOVE_CPU_POINTS)
		return true;
	guint64 dmem = cur->mem_bytes > prev->mem_bytes ? cur->mem_bytes - prev->mem_bytes
							: prev->mem_bytes - cur->mem_bytes;
	if (dmem >= STATS_MOVE_MEM_BYTES)
		return true;
	/* dmem < 1 MiB here, so the product cannot overflow. */
	if (dmem >= STATS_MOVE_MEM_FLOOR && dmem * 100 >= prev->mem_bytes * STATS_MOVE_MEM_PERCENT)
		return true;
	return cur->pids != prev->pids;
}

int stats_next_interval(int current, int base, int max, bool moved)
{
	if (base <= 0)
		return 0;
	if (moved || current < base || max <= base)
		return base;
	return current >= max / 2 ? max : current * 2;
}

double stats_cpu_percent(guint64 prev_cpu_ns, gint64 prev_mono_us, guint64 cpu_ns, gint64 mono_us)
{
	if (mono_us <= prev_mono_us || cpu_ns < prev_cpu_ns)
		return 0;
	double wall_ns = (double)(mono_us - prev_mono_us) * 1000.0;
	return (double)(cpu_ns - prev_cpu_ns) / wall_ns * 100.0;
}

/* gmtime_r, not GDateTime: the latter loads glib's time zone machinery into every monitor
 * (~100 KB of RSS at exit) for a fixed UTC format. */
char *stats_format_time(gint64 wall_us)
{
	gint64 secs = wall_us / G_USEC_PER_SEC, us = wall_us % G_USEC_PER_SEC;
	if (us < 0) {
		secs--;
		us += G_USEC_PER_SEC;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		return g_strdup("");
	return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
			       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			       (int)us);
}

/* Two decimals are plenty for a percentage and keep the JSON short. racct's pcpu is the
 * kernel's number as it comes: clamp it (10^12 % is far past any machine) so the rounding
 * cannot overflow and jansson never gets a NaN or an infinity. */
static json_t *percent(double v)
{
	v = sat_finite(v, 1e12);
	return json_real((double)(gint64)(v * 100.0 + (v < 0 ? -0.5 : 0.5)) / 100.0);
}

static json_t *u64(guint64 v)
{
	return json_integer(v > (guint64)G_MAXINT64 ? G_MAXINT64 : (json_int_t)v);
}

static json_t *time_json(gint64 wall_us)
{
	g_autofree char *s = stats_format_time(wall_us);
	return json_string(s);
}

json_t *stats_sample_to_json(const struct ocimon_sample *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "timestamp", time_json(s->timestamp));
	json_object_set_new(o, "cpu_ns", u64(s->cpu_ns));
	json_object_set_new(o, "cpu_percent", percent(s->cpu_percent));
	json_object_set_new(o, "mem_bytes", u64(s->mem_bytes));
	json_object_set_new(o, "mem_limit_bytes", u64(s->mem_limit_bytes));
	json_object_set_new(o, "pids", u64(s->pids));
	json_object_set_new(o, "blk_read_bytes", u64(s->blk_read_bytes));
	json_object_set_new(o, "blk_write_bytes", u64(s->blk_write_bytes));
	if (s->has_racct) {
		json_t *r = json_object();
		for (int i = 0; i < RACCT_NRESOURCES; i++)
			if (s->racct.present & (1u << i))
				json_object_set_new(r, racct_resource_name(i),
						    json_integer(s->racct.v[i]));
		json_object_set_new(o, "racct", r);
	}
	return o;
}

static json_t *peaks_json(const struct stats_peaks *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "mem_bytes", u64(p->mem_bytes));
	json_object_set_new(o, "mem_at", p->mem_at ? time_json(p->mem_at) : json_null());
	json_object_set_new(o, "pids", u64(p->pids));
	json_object_set_new(o, "cpu_percent", percent(p->cpu_percent));
	return o;
}

static void set_str_or_null(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

json_t *stats_document(const struct stats_doc_info *info, const struct ocimon_sample *current,
		       const struct stats_ring *ring, const struct stats_peaks *peaks)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", json_integer(STATS_SCHEMA_VERSION));
	set_str_or_null(o, "id", info->id);
	set_str_or_null(o, "name", info->name);
	json_object_set_new(o, "monitor_pid", json_integer(info->monitor_pid));
	json_object_set_new(o, "container_pid", json_integer(info->container_pid));
	json_object_set_new(o, "started_at", time_json(info->started_at));
	json_object_set_new(o, "interval_s", json_integer(info->interval));
	json_object_set_new(o, "current_interval_s", json_integer(info->interval_now));
	json_object_set_new(o, "max_interval_s", json_integer(info->max_interval));
	set_str_or_null(o, "source", info->source);
	set_str_or_null(o, "error", info->error);
	json_object_set_new(o, "sample_cpu_ns", json_integer(info->sample_cpu_ns));
	json_object_set_new(o, "sample_cpu_ns_max", json_integer(info->sample_cpu_ns_max));
	json_object_set_new(o, "sample_cpu_ns_mean", json_integer(info->sample_cpu_ns_mean));
	json_object_set_new(o, "current", current ? stats_sample_to_json(current) : json_null());
	json_object_set_new(o, "peaks", peaks_json(peaks));
	json_t *h = json_array();
	for (guint i = 0; i < ring->len; i++)
		json_array_append_new(h, stats_sample_to_json(stats_ring_get(ring, i)));
	json_object_set_new(o, "history", h);
	return o;
}

json_t *stats_summary(const struct stats_summary_info *info, const struct ocimon_sample *last,
		      const struct stats_peaks *peaks)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", json_integer(STATS_SCHEMA_VERSION));
	set_str_or_null(o, "id", info->id);
	set_str_or_null(o, "name", info->name);
	json_object_set_new(o, "started_at", time_json(info->started_at));
	json_object_set_new(o, "finished_at", time_json(info->finished_at));
	json_object_set_new(o, "started_at_us", json_integer(info->started_at));
	json_object_set_new(o, "finished_at_us", json_integer(info->finished_at));
	double duration = (double)(info->finished_at - info->started_at) / G_USEC_PER_SEC;
	json_object_set_new(o, "duration_s", json_real(duration > 0 ? duration : 0));
	json_object_set_new(o, "exit_status", json_integer(info->exit_status));
	json_object_set_new(o, "oom_killed", json_boolean(info->oom_killed));
	json_object_set_new(o, "total_cpu_ns", u64(last ? last->cpu_ns : 0));
	const struct stats_kernel_peaks *k = info->kernel;
	bool kmem = k != NULL && k->mem_from != NULL && k->mem_bytes > peaks->mem_bytes;
	json_t *sampled_at = peaks->mem_at ? time_json(peaks->mem_at) : json_null();
	json_object_set_new(o, "peak_mem_bytes", u64(kmem ? k->mem_bytes : peaks->mem_bytes));
	json_object_set_new(o, "peak_mem_from", json_string(kmem ? k->mem_from : "samples"));
	json_object_set_new(o, "peak_mem_at", kmem ? json_null() : json_incref(sampled_at));
	json_object_set_new(o, "peak_mem_sampled_bytes", u64(peaks->mem_bytes));
	json_object_set_new(o, "peak_mem_sampled_at", sampled_at);
	json_object_set_new(o, "mem_limit_bytes", u64(last ? last->mem_limit_bytes : 0));
	guint64 kpids = k != NULL && k->pids_from != NULL ? k->pids : 0;
	json_object_set_new(o, "peak_pids", u64(MAX(kpids, peaks->pids)));
	json_object_set_new(o, "peak_cpu_percent", percent(peaks->cpu_percent));
	json_object_set_new(o, "blk_read_bytes", u64(last ? last->blk_read_bytes : 0));
	json_object_set_new(o, "blk_write_bytes", u64(last ? last->blk_write_bytes : 0));
	json_object_set_new(o, "samples", json_integer(info->n_samples));
	set_str_or_null(o, "summary_path", info->summary_path);
	json_object_set_new(o, "last", last ? stats_sample_to_json(last) : json_null());
	return o;
}

/* ---- the sampler in the monitor ---- */

struct stats_state {
	const struct ocimon_options *o;
	pid_t container_pid;
	struct stats_source *src;
	struct stats_peaks peaks;
	guint n_samples;
	guint timer;
	struct stats_server *server;
	struct ocimon_sample baseline;
	bool have_baseline;
	char *error; /* why the last sample failed */
	gint64 started_at;
	gint64 sample_cpu_ns, sample_cpu_ns_max, sample_cpu_ns_sum;
	guint n_timed;    /* samples whose cost is in the sum */
	int interval_now; /* the adaptive interval the timer runs at (seconds) */
	char *summary_path;
	char *registry_path;
	struct stats_ring ring;
};

static gint64 thread_cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set_error(struct stats_state *st, const GError *e)
{
	/* Said once in the monitor's log, not on every interval. */
	if (g_strcmp0(st->error, e->message) != 0)
		log_warning("stats: %s", e->message);
	g_free(st->error);
	st->error = g_strdup(e->message);
}

/* One reading; cpu_percent against the newest sample at least a second older (the
 * previous interval for the timer, something recent for a socket request), else the
 * baseline taken at creation. thrifty: the periodic sampler's (stats_source_read). */
static gboolean take_sample(struct stats_state *st, struct ocimon_sample *out, bool thrifty,
			    GError **err)
{
	memset(out, 0, sizeof(*out));
	out->timestamp = g_get_real_time();
	out->monotonic = g_get_monotonic_time();
	const struct ocimon_sample *prev = stats_ring_last(&st->ring);
	if (prev == NULL && st->have_baseline)
		prev = &st->baseline;
	if (!stats_source_read(st->src, prev, thrifty, out, err))
		return FALSE;
	if (!stats_source_has_cpu_percent(st->src)) {
		const struct ocimon_sample *ref =
		    stats_ring_before(&st->ring, out->monotonic, G_USEC_PER_SEC);
		if (ref == NULL)
			ref = prev;
		if (ref != NULL)
			out->cpu_percent = stats_cpu_percent(ref->cpu_ns, ref->monotonic,
							     out->cpu_ns, out->monotonic);
	}
	g_clear_pointer(&st->error, g_free);
	return TRUE;
}

/* A sample for the ring (thrifty: the periodic sampler's, see stats_source_read); its CPU
 * cost is measured, the goal being under 100 µs for an idle container (reported in the
 * socket document). Returns whether it moved notably from the one before (the first one
 * always has); a failed sample has not. */
static bool sample_into_ring(struct stats_state *st, bool thrifty)
{
	if (st->src == NULL)
		return false;
	gint64 t0 = thread_cpu_ns();
	struct ocimon_sample s;
	g_autoptr(GError) err = NULL;
	gboolean ok = take_sample(st, &s, thrifty, &err);
	st->sample_cpu_ns = thread_cpu_ns() - t0;
	st->sample_cpu_ns_max = MAX(st->sample_cpu_ns_max, st->sample_cpu_ns);
	st->sample_cpu_ns_sum += st->sample_cpu_ns;
	st->n_timed++;
	if (!ok) {
		set_error(st, err);
		return false;
	}
	const struct ocimon_sample *prev = stats_ring_last(&st->ring);
	bool moved = prev == NULL || stats_sample_moved(prev, &s);
	stats_ring_push(&st->ring, &s);
	stats_peaks_update(&st->peaks, &s);
	st->n_samples++;
	return moved;
}

static gboolean sample_cb(gpointer data);

/* The sampler is a timer at the adaptive interval, re-made only when the interval
 * changes: at the top of its back-off a quiet container wakes its monitor once every
 * stats_max_interval seconds (issue 11). */
static void arm_sampler(struct stats_state *st, int secs)
{
	if (st->timer)
		g_source_remove(st->timer);
	st->interval_now = secs;
	st->timer = g_timeout_add_seconds((guint)secs, sample_cb, st);
}

static gboolean sample_cb(gpointer data)
{
	struct stats_state *st = data;
	const struct ocimon_options *o = st->o;
	bool moved = sample_into_ring(st, true);
	int next =
	    stats_next_interval(st->interval_now, o->stats_interval, o->stats_max_interval, moved);
	if (next == st->interval_now)
		return G_SOURCE_CONTINUE;
	st->timer = 0; /* this source goes when we return */
	arm_sampler(st, next);
	return G_SOURCE_REMOVE;
}

/* Which settings are in force and why, and what was ignored (ocimonctl inspect). */
static void add_settings(json_t *doc, const struct ocimon_settings *s)
{
	json_object_set_new(doc, "settings", settings_to_json(s));
	if (s->warnings->len == 0)
		return;
	json_t *w = json_array();
	for (guint i = 0; i < s->warnings->len; i++)
		json_array_append_new(w, json_string(s->warnings->pdata[i]));
	json_object_set_new(doc, "settings_warnings", w);
}

static char *document_cb(gpointer data, size_t *len)
{
	struct stats_state *st = data;
	const struct ocimon_options *o = st->o;
	struct ocimon_sample fresh;
	const struct ocimon_sample *current = stats_ring_last(&st->ring);
	if (st->src != NULL) {
		/* Asked: a fresh sample, whatever the interval. If the container moved while
		 * the sampler was backed off, the sampler comes back to the base interval. */
		g_autoptr(GError) err = NULL;
		if (take_sample(st, &fresh, false, &err)) {
			stats_peaks_update(&st->peaks, &fresh);
			if (st->timer && st->interval_now > o->stats_interval &&
			    (current == NULL || stats_sample_moved(current, &fresh)))
				arm_sampler(st, o->stats_interval);
			current = &fresh;
		} else
			set_error(st, err);
	}
	struct stats_doc_info info = {
	    .id = o->cid,
	    .name = o->name,
	    .monitor_pid = getpid(),
	    .container_pid = st->container_pid,
	    .started_at = st->started_at,
	    .interval = o->stats_interval,
	    .interval_now = st->interval_now,
	    .max_interval = MAX(o->stats_max_interval, o->stats_interval),
	    .source = st->src ? stats_source_describe(st->src) : NULL,
	    .error = st->error,
	    .sample_cpu_ns = st->sample_cpu_ns,
	    .sample_cpu_ns_max = st->sample_cpu_ns_max,
	    .sample_cpu_ns_mean = st->n_timed ? st->sample_cpu_ns_sum / st->n_timed : 0,
	};
	json_t *doc = stats_document(&info, current, &st->ring, &st->peaks);
	if (o->settings != NULL)
		add_settings(doc, o->settings);
	char *text = json_dumps(doc, JSON_COMPACT | STATS_JSON_REAL);
	json_decref(doc);
	if (text == NULL)
		text = g_strdup("{\"error\": \"out of memory\"}");
	*len = strlen(text);
	return text;
}

static char **log_driver_names(char **log_paths)
{
	GPtrArray *names = g_ptr_array_new();
	for (size_t i = 0; log_paths && log_paths[i]; i++) {
		struct log_spec spec = {0};
		if (log_spec_parse(log_paths[i], &spec, NULL)) {
			g_ptr_array_add(names, g_strdup(spec.driver->name));
			log_spec_clear(&spec);
		}
	}
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(names, FALSE);
}

/* The first k8s-file log, absolute: ocimonctl logs reads it (and its backups) from
 * anywhere, even after the container is gone. */
static char *k8s_log_path(char **log_paths)
{
	for (size_t i = 0; log_paths && log_paths[i]; i++) {
		struct log_spec spec = {0};
		if (!log_spec_parse(log_paths[i], &spec, NULL))
			continue;
		char *path = NULL;
		if (spec.path != NULL && strcmp(spec.driver->name, "k8s-file") == 0)
			path = g_canonicalize_filename(spec.path, NULL);
		log_spec_clear(&spec);
		if (path != NULL)
			return path;
	}
	return NULL;
}

static char *attach_socket_path(const struct ocimon_options *o)
{
	if (o->full_attach)
		return g_build_filename(o->bundle, "attach", NULL);
	return g_build_filename(o->socket_dir, o->cuuid, "attach", NULL);
}

static void write_registry(struct stats_state *st)
{
	const struct ocimon_options *o = st->o;
	g_autofree char *stats_socket =
	    st->server ? g_build_filename(o->bundle, "stats", NULL) : NULL;
	g_autofree char *attach = attach_socket_path(o);
	g_auto(GStrv) drivers = log_driver_names(o->log_paths);
	g_autofree char *log_path = k8s_log_path(o->log_paths);
	struct registry_entry e = {
	    .id = o->cid,
	    .name = o->name,
	    .monitor_pid = getpid(),
	    .container_pid = st->container_pid,
	    .bundle = o->bundle,
	    .stats_socket = stats_socket,
	    .attach_socket = attach,
	    .persist_dir = o->persist_dir,
	    .summary_path = o->stats_interval > 0 ? st->summary_path : NULL,
	    .jail_name = o->jail_name,
	    .stats_source = st->src ? (char *)stats_source_describe(st->src) : NULL,
	    .log_drivers = drivers,
	    .log_path = log_path,
	    .stats_interval = o->stats_interval,
	    .started_at = st->started_at,
	};
	g_autoptr(GError) err = NULL;
	st->registry_path = registry_write(o->ocimon_run_dir, &e, &err);
	if (st->registry_path == NULL)
		log_warning("stats: registry entry not written: %s", err->message);
}

struct stats_state *stats_start(const struct ocimon_options *o, pid_t container_pid)
{
	struct stats_state *st = g_new0(struct stats_state, 1);
	/* The ring's samples (~35 KB by default) become resident as they arrive. */
	stats_ring_init(&st->ring, (guint)MAX(o->stats_history, 1));
	st->o = o;
	st->container_pid = container_pid;
	st->started_at = g_get_real_time();
	st->summary_path =
	    g_build_filename(o->persist_dir ? o->persist_dir : o->bundle, "stats.json", NULL);
	if (o->stats_interval > 0) {
		g_autoptr(GError) err = NULL;
		st->src = stats_source_open(container_pid, getpid(), o->cid, o->jail_name, &err);
		if (st->src == NULL)
			set_error(st, err);
		g_clear_error(&err);
		/* A baseline at creation, for the first interval's CPU %. It is not history:
		 * what the cgroup holds now is the runtime's init, not the container. */
		g_autoptr(GError) e2 = NULL;
		if (st->src != NULL)
			st->have_baseline = take_sample(st, &st->baseline, false, &e2);
		if (st->src != NULL)
			arm_sampler(st, o->stats_interval);
		st->server = stats_server_open(o->bundle, "stats", document_cb, st, &err);
		if (st->server == NULL)
			log_warning("stats: no stats socket: %s", err->message);
	}
	write_registry(st);
	return st;
}

/* OOM detection writes these files (SPEC §1.10); the summary only reports them. */
static bool oom_recorded(const struct ocimon_options *o)
{
	const char *dirs[] = {o->persist_dir, o->bundle};
	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		if (dirs[i] == NULL)
			continue;
		g_autofree char *p = g_build_filename(dirs[i], "oom", NULL);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			return true;
	}
	return false;
}

void stats_finish(struct stats_state *st, int status)
{
	if (st == NULL)
		return;
	const struct ocimon_options *o = st->o;
	if (st->timer) {
		g_source_remove(st->timer);
		st->timer = 0;
	}
	g_clear_pointer(&st->server, stats_server_close);
	/* The cgroup outlives the container's processes until the runtime deletes it,
	 * which podman does only after our exit file: the totals and the kernel's peaks are
	 * still there. */
	sample_into_ring(st, false);
	struct stats_kernel_peaks kernel = {0};
	if (st->src != NULL)
		stats_source_read_peaks(st->src, &kernel);

	g_autoptr(GError) err = NULL;
	if (st->registry_path != NULL && unlink(st->registry_path) < 0 && errno != ENOENT)
		log_warning("Failed to remove %s: %s", st->registry_path, g_strerror(errno));
	g_clear_pointer(&st->registry_path, g_free);
	if (o->stats_interval <= 0)
		return;

	struct stats_summary_info info = {
	    .id = o->cid,
	    .name = o->name,
	    .started_at = st->started_at,
	    .finished_at = g_get_real_time(),
	    .exit_status = status,
	    .oom_killed = oom_recorded(o),
	    .n_samples = st->n_samples,
	    .summary_path = st->summary_path,
	    .kernel = &kernel,
	};
	json_t *summary = stats_summary(&info, stats_ring_last(&st->ring), &st->peaks);
	if (st->error != NULL)
		json_object_set_new(summary, "error", json_string(st->error));
	json_object_set_new(summary, "bundle", json_string(o->bundle));
	if (o->persist_dir)
		json_object_set_new(summary, "persist_dir", json_string(o->persist_dir));
	g_autofree char *log_path = k8s_log_path(o->log_paths);
	if (log_path != NULL)
		json_object_set_new(summary, "log_path", json_string(log_path));
	/* The kept samples, oldest first: ocimonctl inspect draws them (memory climbing to
	 * the limit before an OOM kill). */
	json_t *history = json_array();
	for (guint i = 0; i < st->ring.len; i++)
		json_array_append_new(history, stats_sample_to_json(stats_ring_get(&st->ring, i)));
	json_object_set_new(summary, "history", history);
	json_object_set_new(summary, "interval_s", json_integer(o->stats_interval));
	json_object_set_new(summary, "max_interval_s",
			    json_integer(MAX(o->stats_max_interval, o->stats_interval)));
	if (o->settings != NULL)
		add_settings(summary, o->settings);
	g_autofree char *text =
	    json_dumps(summary, JSON_INDENT(2) | JSON_SORT_KEYS | STATS_JSON_REAL);
	g_autofree char *with_nl = g_strconcat(text ? text : "{}", "\n", NULL);
	if (!write_file_atomic(st->summary_path, with_nl, strlen(with_nl), &err)) {
		log_warning("stats: %s", err->message);
		g_clear_error(&err);
	}
	if (!registry_record_exit(o->ocimon_run_dir, o->cid, summary, &err))
		log_warning("stats: exited index not written: %s", err->message);
	json_decref(summary);
}

void stats_free(struct stats_state *st)
{
	if (st == NULL)
		return;
	if (st->timer)
		g_source_remove(st->timer);
	stats_server_close(st->server);
	if (st->registry_path != NULL)
		unlink(st->registry_path);
	g_free(st->registry_path);
	stats_source_free(st->src);
	g_free(st->error);
	g_free(st->summary_path);
	stats_ring_clear(&st->ring);
	g_free(st);
}
