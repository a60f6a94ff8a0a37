/* -l values (log_spec_parse), journald labels (log_label_validate) and log sizes
 * (log_size_parse). The first byte picks the parser; the rest is its argument. */
#include "fuzz.h"
#include "logdriver.h"
#include "writer.h"

static void check_spec(const char *arg)
{
	struct log_spec spec;
	g_autoptr(GError) err = NULL;
	if (!log_spec_parse(arg, &spec, &err)) {
		FUZZ_CHECK(err != NULL && err->message != NULL);
		FUZZ_CHECK(spec.driver == NULL && spec.path == NULL);
		return;
	}
	FUZZ_CHECK(err == NULL);
	FUZZ_CHECK(spec.driver != NULL);
	FUZZ_CHECK(spec.driver->needs_path == (spec.path != NULL));
	if (spec.path != NULL) {
		/* The path is the argument's tail, cut on the first ':' only. */
		size_t al = strlen(arg), pl = strlen(spec.path);
		FUZZ_CHECK(pl > 0 && pl <= al);
		FUZZ_CHECK(memcmp(arg + al - pl, spec.path, pl) == 0);
		const char *colon = strchr(arg, ':');
		if (colon != NULL)
			FUZZ_CHECK(strcmp(colon + 1, spec.path) == 0);
		else
			FUZZ_CHECK(strcmp(arg, spec.path) == 0);
	}
	log_spec_clear(&spec);
	FUZZ_CHECK(spec.path == NULL && spec.driver == NULL);
}

static gboolean label_reference(const char *s)
{
	const char *eq = NULL;
	for (const char *p = s; *p; p++) {
		if (*p == '=') {
			if (eq != NULL)
				return FALSE;
			eq = p;
		}
	}
	if (eq == NULL || eq == s)
		return FALSE;
	for (const char *p = s; p < eq; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return FALSE;
	return TRUE;
}

static void check_label(const char *s)
{
	g_autoptr(GError) err = NULL;
	gboolean ok = log_label_validate(s, &err);
	FUZZ_CHECK(ok == label_reference(s));
	FUZZ_CHECK(ok == (err == NULL));
}

/* DIGITS [kKmMgG [bB]], the value times the unit within 64 bits. */
static gboolean size_reference(const char *s, guint64 *out)
{
	unsigned __int128 v = 0;
	const char *p = s;
	if (!(*p >= '0' && *p <= '9'))
		return FALSE;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > G_MAXUINT64)
			return FALSE;
	}
	unsigned __int128 mult = 1;
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1024;
		break;
	case 'm':
	case 'M':
		mult = 1024 * 1024;
		break;
	case 'g':
	case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return FALSE;
	}
	if (*p != '\0') {
		p++;
		if (*p == 'b' || *p == 'B')
			p++;
		if (*p != '\0')
			return FALSE;
	}
	if (v * mult > G_MAXUINT64)
		return FALSE;
	*out = (guint64)(v * mult);
	return TRUE;
}

static void check_size(const char *s)
{
	guint64 got = 12345, want = 0;
	gboolean ok = log_size_parse(s, &got);
	gboolean want_ok = size_reference(s, &want);
	if (ok != want_ok)
		fprintf(stderr, "log_size_parse(\"%s\") = %d, reference %d\n", s, ok, want_ok);
	FUZZ_CHECK(ok == want_ok);
	if (ok)
		FUZZ_CHECK(got == want);
	else
		FUZZ_CHECK(got == 12345);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	if (size == 0)
		return 0;
	g_autofree char *arg = fuzz_cstring(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		check_spec(arg);
		break;
	case 1:
		check_label(arg);
		break;
	default:
		check_size(arg);
		break;
	}
	return 0;
}
