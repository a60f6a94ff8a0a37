/* -l passthrough: the container inherits podman's stdio, so the monitor never sees the
 * output; there are no pipes and no attach socket (SPEC §1.14). */
#include "logdriver.h"

const struct log_driver log_driver_passthrough = {
    .name = "passthrough",
    .passthrough = true,
    .open = log_noop_open,
    .write = log_noop_write,
    .close = log_noop_close,
};
