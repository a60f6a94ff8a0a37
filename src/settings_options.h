/* The glue between ocimon's settings (settings.h: config file and annotations) and its
 * command line (options.h): what a flag gave stays, the rest comes from the settings. */
#pragma once

#include "options.h"
#include "settings.h"

/* Pure: marks each setting the command line gave (origin flag, its value from o), then
 * writes the effective value of every other setting into o. Call after
 * ocimon_options_validate. */
void settings_merge_options(struct ocimon_settings *s, struct ocimon_options *o);

/* Reads the config file (o->config_path, else $OCIMON_CONFIG, else the default) and the
 * bundle's annotations, merges them with the command line into o and keeps them in
 * o->settings. Never fails: what was ignored is in o->settings->warnings. */
void settings_load_options(struct ocimon_options *o);
