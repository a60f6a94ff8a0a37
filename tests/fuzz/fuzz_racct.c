/* FreeBSD racct answers: racct_parse, the fetch loop with an injected system call that
 * answers ERANGE a few times, and the mapping to a stats sample (with rates over odd
 * intervals). */
#include <errno.h>

#include "fuzz.h"
#include "racct_parse.h"
#include "stats.h"

static const char *answer;
static size_t answer_len;
static int eranges;

static int fake_get(const char *inbuf, size_t inbuflen, char *outbuf, size_t outbuflen)
{
	FUZZ_CHECK(inbuflen == strlen(inbuf) + 1);
	if (eranges > 0 || answer_len + 1 > outbuflen) {
		eranges--;
		errno = ERANGE;
		return -1;
	}
	memcpy(outbuf, answer, answer_len + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	if (size < 1)
		return 0;
	g_autofree char *text = fuzz_cstring(data + 1, size - 1);
	struct racct_values v;
	g_autoptr(GError) err = NULL;
	if (!racct_parse(text, &v, &err)) {
		FUZZ_CHECK(err != NULL);
	} else {
		/* What was read reads the same once written back. */
		GString *s = g_string_new(NULL);
		for (int i = 0; i < RACCT_NRESOURCES; i++) {
			if (!(v.present & (1u << i)))
				continue;
			g_string_append_printf(s, "%s%s=%" G_GINT64_FORMAT, s->len ? "," : "",
					       racct_resource_name(i), v.v[i]);
		}
		struct racct_values again;
		FUZZ_CHECK(racct_parse(s->str, &again, NULL));
		FUZZ_CHECK(again.present == v.present);
		for (int i = 0; i < RACCT_NRESOURCES; i++)
			FUZZ_CHECK(again.v[i] == v.v[i]);
		g_string_free(s, TRUE);

		struct ocimon_sample prev = {.monotonic = 0, .blk_read_bytes = data[0]};
		struct ocimon_sample out = {.monotonic = (gint64)data[0] * 1000003 - 50000000};
		racct_to_sample(&v, &prev, &out);
		racct_to_sample(&v, NULL, &out);
	}

	answer = text;
	answer_len = strlen(text);
	eranges = data[0] % 8;
	g_autoptr(GError) ferr = NULL;
	g_autofree char *got = racct_fetch(fake_get, "process:1", &ferr);
	if (got != NULL)
		FUZZ_CHECK(strcmp(got, text) == 0);
	else
		FUZZ_CHECK(ferr != NULL);
	return 0;
}
