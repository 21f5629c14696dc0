/* Capture writer: every window is flushed through gzip as it is written (Z_SYNC_FLUSH), so
 * `zcat` of a file cut by a crash or SIGKILL still yields every whole window. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <cjson/cJSON.h>
#include "capture.h"
#include "hist.h"

int capture_open(struct capture_writer *writer, const char *path, const char *header_line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	writer->path = path;
	if (fd < 0) {
		fprintf(stderr, "sloprobe: --output %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (a capture is never overwritten: remove it or pick "
					  "another name)"
					: "");
		return -1;
	}
	writer->file = gzdopen(fd, "wb");
	if (!writer->file) {
		fprintf(stderr, "sloprobe: --output %s: cannot start gzip stream\n", path);
		close(fd);
		return -1;
	}
	if (capture_write_line(writer, header_line)) {
		/* The caller only closes what opened: the stream is released here. */
		gzclose(writer->file);
		writer->file = NULL;
		return -1;
	}
	return 0;
}

int capture_write_line(struct capture_writer *writer, const char *line)
{
	int zerr;

	if (gzputs(writer->file, line) < 0 || gzputc(writer->file, '\n') < 0 ||
	    gzflush(writer->file, Z_SYNC_FLUSH) != Z_OK) {
		fprintf(stderr, "sloprobe: writing %s: %s (the windows before this one are kept)\n",
			writer->path, gzerror(writer->file, &zerr));
		return -1;
	}
	return 0;
}

int capture_close(struct capture_writer *writer)
{
	int err;

	if (!writer->file)
		return 0;
	err = gzclose(writer->file);
	writer->file = NULL;
	if (err != Z_OK) {
		fprintf(stderr, "sloprobe: closing %s failed (zlib error %d)\n", writer->path, err);
		return -1;
	}
	return 0;
}

static cJSON *capture_histogram_layout(void)
{
	cJSON *layout = cJSON_CreateObject();

	cJSON_AddStringToObject(layout, "unit", "us");
	cJSON_AddNumberToObject(layout, "sub_bucket_bits", HIST_SUB_BITS);
	cJSON_AddNumberToObject(layout, "max_power", HIST_MAX_POWER);
	cJSON_AddNumberToObject(layout, "buckets", HIST_BUCKETS);
	return layout;
}

char *capture_header_line(double start_ts, double interval_s, const char *program_set)
{
	cJSON *header = cJSON_CreateObject();
	struct utsname uts;
	char host[256] = "unknown";
	long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGESIZE);
	char *line;

	gethostname(host, sizeof(host) - 1);
	if (uname(&uts))
		strcpy(uts.release, "unknown");
	cJSON_AddStringToObject(header, "format", "sloprobe-capture");
	cJSON_AddNumberToObject(header, "version", CAPTURE_FORMAT_VERSION);
	cJSON_AddStringToObject(header, "host", host);
	cJSON_AddStringToObject(header, "kernel", uts.release);
	cJSON_AddNumberToObject(header, "cpus", (double)sysconf(_SC_NPROCESSORS_ONLN));
	cJSON_AddNumberToObject(header, "memory_bytes", (double)pages * (double)page_bytes);
	cJSON_AddStringToObject(header, "sloprobe_version", SLOPROBE_VERSION);
	cJSON_AddNumberToObject(header, "start_ts", start_ts);
	cJSON_AddNumberToObject(header, "interval_s", interval_s);
	cJSON_AddStringToObject(header, "program_set", program_set);
	cJSON_AddItemToObject(header, "latency_histogram", capture_histogram_layout());
	line = cJSON_PrintUnformatted(header);
	cJSON_Delete(header);
	return line;
}
