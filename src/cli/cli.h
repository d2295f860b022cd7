/* cli.h - the f4saoi sub-commands and helpers they share. */
#ifndef AOI_CLI_H
#define AOI_CLI_H

#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/result.h"

/* Exit statuses of interfaces.md. */
enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_ERRORS = 3 };

int cmd_parts(int argc, char **argv);
int cmd_footprint(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_locate(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_teach(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_calib(int argc, char **argv);

/* Prints "f4saoi CMD: message" to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Option values; print the usage error themselves and return -1. */
int cli_parse_um(const char *cmd, const char *s, double *um);
int cli_parse_rotation(const char *cmd, const char *s, int *rot);

/* Input files: the images named, and those found in directories (searched
 * recursively for .jpg/.jpeg/.png), sorted. */
typedef struct {
    char **v;
    size_t n, cap;
} cli_list;
int cli_collect(int argc, char **argv, int first, cli_list *l);
/* Adds the paths listed in a file, one per line ("-": standard input). */
int cli_collect_file(const char *list, cli_list *l);
void cli_list_free(cli_list *l);


/* Batch runs (batch.c).  Resume: the images already recorded in a JSON
 * Lines file (sorted), after dropping a partial last line; messages in why. */
int batch_resume_scan(const char *path, cli_list *done, char *why, size_t whylen);
int batch_seen(const cli_list *done, const char *image);
/* Keeps the K-th of N shares of a sorted list (round robin) minus done. */
void batch_filter(cli_list *l, int shard_k, int shard_n, const cli_list *done);
/* Writes line + newline with one write (whole lines on O_APPEND files). */
int batch_write_line(int fd, const char *line);
#include <stdio.h>
void batch_csv_header(FILE *f);
void batch_csv_row(FILE *f, const aoi_result *r);

typedef struct {
    size_t total;
    int tty, interval, enabled;
    double start, last;
} batch_progress;
/* interval_s: -1 default (live line on a terminal, else every 10 s), 0 off. */
void batch_progress_init(batch_progress *p, size_t total, int interval_s, int quiet);
void batch_progress_update(batch_progress *p, size_t done, size_t ng, int final);

#endif
