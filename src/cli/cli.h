/* cli.h - the f4saoi sub-commands and helpers they share. */
#ifndef AOI_CLI_H
#define AOI_CLI_H

/* Exit statuses of interfaces.md. */
enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_ERRORS = 3 };

int cmd_parts(int argc, char **argv);
int cmd_footprint(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_locate(int argc, char **argv);

/* Prints "f4saoi CMD: message" to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
